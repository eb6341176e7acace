"""Endpointing VAD on real webrtcvad and Piper-generated speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio import EndpointingVad, UnsupportedSampleRateError, VadOptions
from tests.audio_helpers import SALES_SENTENCES, quiet_noise, speech_16k, speech_bounds

RATE = 16000
TOLERANCE_S = 0.150


def _scene(voice: Path) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """0.8 s room, speech A, exactly 1 s pause, speech B, 2 s room; audio and true speech spans."""
    first, second = (_trimmed(speech_16k(voice, SALES_SENTENCES[i])) for i in (1, 4))
    lead, pause, tail = int(0.8 * RATE), RATE, 2 * RATE
    parts = [
        np.zeros(lead, np.int16),
        first,
        np.zeros(pause, np.int16),
        second,
        np.zeros(tail, np.int16),
    ]
    audio = np.concatenate(parts)
    audio = np.clip(audio.astype(np.int32) + quiet_noise(audio.size), -32768, 32767).astype(
        np.int16
    )
    second_at = lead + first.size + pause
    spans = [
        (lead / RATE, (lead + first.size) / RATE),
        (second_at / RATE, (second_at + second.size) / RATE),
    ]
    return audio, spans


def _trimmed(speech: np.ndarray) -> np.ndarray:
    """Piper's clip without its own leading/trailing silence, so the pauses are exact."""
    start, end = speech_bounds(speech)
    return speech[start:end]


def _run(vad: EndpointingVad, audio: np.ndarray, chunk: int) -> list:
    events = []
    for offset in range(0, audio.size, chunk):
        events += vad.push(audio[offset : offset + chunk])
    return events + vad.flush()


@pytest.mark.parametrize("silence_ms", [300, 500])
def test_pause_splits_turns_with_accurate_end_times(
    piper_voice_path: Path, silence_ms: int
) -> None:
    audio, spans = _scene(piper_voice_path)
    vad = EndpointingVad(VadOptions(silence_ms=silence_ms, aggressiveness=2))
    events = _run(vad, audio, chunk=517)  # deliberately not a multiple of the frame size

    assert [e.kind for e in events] == ["start_of_speech", "end_of_speech"] * 2
    ends = [e for e in events if e.kind == "end_of_speech"]
    starts = [e for e in events if e.kind == "start_of_speech"]
    for (true_start, true_end), start, end in zip(spans, starts, ends, strict=True):
        assert abs(start.time_s - true_start) <= TOLERANCE_S, (start, true_start)
        assert abs(end.time_s - true_end) <= TOLERANCE_S, (end, true_end)
        # the end is decided once the configured silence has passed after the speech
        assert abs(end.detected_at_s - (true_end + silence_ms / 1000)) <= TOLERANCE_S
        assert end.turn_start == start.sample


def test_long_silence_setting_keeps_a_thinking_pause_inside_one_turn(
    piper_voice_path: Path,
) -> None:
    audio, spans = _scene(piper_voice_path)
    events = _run(EndpointingVad(VadOptions(silence_ms=1300)), audio, chunk=RATE // 50)
    assert [e.kind for e in events] == ["start_of_speech", "end_of_speech"]
    assert abs(events[1].time_s - spans[1][1]) <= TOLERANCE_S
    assert abs(events[0].time_s - spans[0][0]) <= TOLERANCE_S


def test_events_do_not_depend_on_how_audio_is_chunked(piper_voice_path: Path) -> None:
    audio, _ = _scene(piper_voice_path)
    whole = _run(EndpointingVad(), audio, chunk=audio.size)
    odd = _run(EndpointingVad(), audio, chunk=77)
    as_bytes = EndpointingVad()
    from_bytes = as_bytes.push(audio.tobytes()) + as_bytes.flush()
    assert whole == odd == from_bytes


def test_speech_in_the_first_half_second_is_ignored(piper_voice_path: Path) -> None:
    word = speech_16k(piper_voice_path, "Hello.")
    start, end = speech_bounds(word)
    burst = word[start:end][: int(0.4 * RATE)]
    opening = np.concatenate([burst, np.zeros(RATE, np.int16)])
    assert _run(EndpointingVad(VadOptions(ignore_initial_ms=500)), opening, 320) == []
    later = np.concatenate([np.zeros(RATE, np.int16), opening])
    kinds = [e.kind for e in _run(EndpointingVad(VadOptions(ignore_initial_ms=500)), later, 320)]
    assert kinds == ["start_of_speech", "end_of_speech"]


def test_a_click_shorter_than_the_onset_does_not_open_a_turn() -> None:
    rng = np.random.default_rng(3)
    click = (rng.standard_normal(int(0.06 * RATE)) * 8000).astype(np.int16)  # 60 ms burst
    audio = np.concatenate([np.zeros(RATE, np.int16), click, np.zeros(RATE, np.int16)])
    assert _run(EndpointingVad(VadOptions(onset_ms=150)), audio, 480) == []


def test_flush_closes_an_open_turn_at_the_last_voiced_sample(piper_voice_path: Path) -> None:
    speech = speech_16k(piper_voice_path, SALES_SENTENCES[0])
    audio = np.concatenate([np.zeros(RATE, np.int16), speech])
    vad = EndpointingVad()
    events = vad.push(audio)
    assert [e.kind for e in events] == ["start_of_speech"] and vad.speaking
    (end,) = vad.flush()
    assert end.kind == "end_of_speech" and not vad.speaking
    assert abs(end.time_s - (RATE + speech_bounds(speech)[1]) / RATE) <= TOLERANCE_S


@pytest.mark.parametrize(
    ("options", "error", "fragment"),
    [
        ({"sample_rate": 22050}, UnsupportedSampleRateError, "22050"),
        ({"frame_ms": 25}, ValueError, "frame_ms"),
        ({"aggressiveness": 4}, ValueError, "aggressiveness"),
        ({"silence_ms": 10}, ValueError, "silence_ms"),
    ],
)
def test_bad_options_are_rejected(options: dict, error: type, fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        VadOptions(**options)
