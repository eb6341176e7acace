"""Piper TTS: streaming by clause/sentence, output rates, voice shaping, no clipping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio import (
    EmptyTextError,
    ModelLoadError,
    PiperTts,
    SpeechChunker,
    VoiceOptions,
    split_for_speech,
)
from tests.audio_helpers import piper, speech_bounds

REPLY = (
    "Honestly, we looked at three vendors last year, and none of them fit our process. "
    "What makes yours different? I need to see numbers."
)
REPLY_PIECES = [
    "Honestly, we looked at three vendors last year,",  # "Honestly," alone is under 3 words
    "and none of them fit our process.",
    "What makes yours different?",
    "I need to see numbers.",
]
# Deterministic synthesis (no generator or duration noise) for comparisons between calls.
STILL = VoiceOptions(noise_scale=0.0, noise_w=0.0)


@pytest.fixture(scope="module")
def tts(piper_voice_path: Path) -> PiperTts:
    return piper(piper_voice_path)


def _pitch_hz(pcm: np.ndarray, rate: int) -> float:
    """Median YIN pitch over 40 ms frames (60-400 Hz): the first clear dip of the
    cumulative-mean-normalised difference, which avoids octave errors."""
    audio = pcm.astype(np.float64) / 32768
    frame, min_lag, max_lag = int(0.04 * rate), rate // 400, rate // 60
    estimates = []
    for start in range(0, audio.size - frame - max_lag, frame // 2):
        window = audio[start : start + frame + max_lag]
        if np.sqrt(np.mean(window[:frame] ** 2)) < 0.01:
            continue
        diff = np.array(
            [np.sum((window[:frame] - window[lag : lag + frame]) ** 2) for lag in range(1, max_lag)]
        )
        normalised = diff * np.arange(1, max_lag) / np.maximum(np.cumsum(diff), 1e-12)
        dips = np.flatnonzero(normalised[min_lag - 1 :] < 0.15)
        if dips.size == 0:
            continue
        lag = dips[0] + min_lag - 1
        while lag + 1 < normalised.size and normalised[lag + 1] < normalised[lag]:
            lag += 1
        estimates.append(rate / (lag + 1))
    return float(np.median(estimates))


def test_stream_starts_with_the_first_clause_then_sentences(tts: PiperTts) -> None:
    chunks = list(tts.synthesize(REPLY, sample_rate=24000))
    assert [c.text for c in chunks] == REPLY_PIECES
    assert {c.sample_rate for c in chunks} == {24000}
    assert all(c.pcm.dtype == np.int16 and c.pcm.size > 0 for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert chunks[0].duration_s < sum(c.duration_s for c in chunks) / 2


@pytest.mark.parametrize("rate", [16000, 22050, 48000])
def test_output_rate_is_what_the_consumer_asks_for(tts: PiperTts, rate: int) -> None:
    native = tts.synthesize_all("Who else needs to be part of the decision?", STILL, 22050)
    pcm = tts.synthesize_all("Who else needs to be part of the decision?", STILL, rate)
    assert pcm.size / rate == pytest.approx(native.size / 22050, abs=0.002)


def test_loud_voice_is_limited_never_clipped(tts: PiperTts) -> None:
    loud = tts.synthesize_all(REPLY, VoiceOptions(volume=4.0), 48000)
    assert np.max(np.abs(loud.astype(np.int32))) < 32767
    normal = tts.synthesize_all(REPLY, VoiceOptions(volume=1.0), 48000)
    assert np.max(np.abs(normal.astype(np.int32))) < 0.9 * 32768  # natural level: untouched


def test_pitch_shift_keeps_the_tempo(tts: PiperTts) -> None:
    text = "We already have a vendor for that and the budget is tight this quarter."
    base = tts.synthesize_all(text, STILL, 16000)
    higher = tts.synthesize_all(
        text, VoiceOptions(noise_scale=0.0, noise_w=0.0, pitch_semitones=4), 16000
    )
    lower = tts.synthesize_all(
        text, VoiceOptions(noise_scale=0.0, noise_w=0.0, pitch_semitones=-4), 16000
    )
    duration = np.diff(speech_bounds(base))[0]
    for shifted in (higher, lower):
        assert np.diff(speech_bounds(shifted))[0] == pytest.approx(duration, rel=0.08)
    ratio = 2 ** (4 / 12)
    assert _pitch_hz(higher, 16000) / _pitch_hz(base, 16000) == pytest.approx(ratio, rel=0.1)
    assert _pitch_hz(base, 16000) / _pitch_hz(lower, 16000) == pytest.approx(ratio, rel=0.1)


def test_length_scale_sets_the_speaking_rate(tts: PiperTts) -> None:
    text = "Could we schedule a demo with your operations manager next Tuesday?"
    normal = tts.synthesize_all(text, STILL, 16000)
    slow = tts.synthesize_all(
        text, VoiceOptions(length_scale=1.5, noise_scale=0.0, noise_w=0.0), 16000
    )
    assert np.diff(speech_bounds(slow))[0] / np.diff(speech_bounds(normal))[0] == pytest.approx(
        1.5, rel=0.1
    )


async def test_async_stream_yields_the_same_pieces(tts: PiperTts) -> None:
    pieces = [chunk.text async for chunk in tts.astream(REPLY, sample_rate=16000)]
    assert pieces == [c.text for c in tts.synthesize(REPLY, sample_rate=16000)]


async def test_stopping_the_async_stream_early_is_clean(tts: PiperTts) -> None:
    stream = tts.astream(REPLY)
    first = await anext(stream)
    await stream.aclose()  # barge-in: the consumer stops listening
    assert first.index == 0 and first.pcm.size > 0


@pytest.mark.parametrize("text", ["", "   ", "...", "?!"])
def test_nothing_speakable_is_an_error(tts: PiperTts, text: str) -> None:
    with pytest.raises(EmptyTextError, match="nothing to speak"):
        tts.synthesize(text)  # raised at the call, before any iteration


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"length_scale": 0.1}, "length_scale"),
        ({"pitch_semitones": 20}, "pitch_semitones"),
        ({"volume": -1}, "volume"),
    ],
)
def test_bad_voice_options_are_rejected(options: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        VoiceOptions(**options)


def test_unsupported_output_rate_and_missing_voice_are_rejected(
    tmp_path: Path, tts: PiperTts
) -> None:
    with pytest.raises(ValueError, match="11025"):
        tts.synthesize("Hello.", sample_rate=11025)
    with pytest.raises(ModelLoadError, match="does not exist"):
        PiperTts(tmp_path / "missing.onnx")


def test_chunker_cuts_the_first_clause_then_sentences() -> None:
    assert split_for_speech(REPLY) == REPLY_PIECES
    text = "Well, to be honest with you, the price is high. Mr. Lee agrees, e.g. on support."
    assert split_for_speech(text) == [
        "Well, to be honest with you,",
        "the price is high.",
        "Mr. Lee agrees, e.g. on support.",
    ]


def test_chunker_is_incremental_token_by_token() -> None:
    text = "Sure, I can walk you through it, step by step. It takes 3.5 days! Does that work?"
    whole = split_for_speech(text)
    chunker = SpeechChunker()
    pieces: list[str] = []
    for token in text.split(" "):
        pieces += chunker.push(token + " ")
    assert pieces + chunker.flush() == whole
    assert whole[0] == "Sure, I can walk you through it,"
