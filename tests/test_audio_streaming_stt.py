"""Streaming STT: interim text while talking, commits at pauses, a correct final."""

from __future__ import annotations

import asyncio
from pathlib import Path

import jiwer
import numpy as np
import pytest

from audio import (
    StreamingOptions,
    SttEvent,
    SttStream,
    SyncSttStream,
    WhisperStt,
    resample,
)
from audio.turn_assembler import TurnAssembler
from tests.audio_helpers import SALES_SENTENCES, normalise_words, quiet_noise, speech_16k, whisper

RATE = 16000
FRAME = RATE // 50  # 20 ms, what a WebRTC/livekit source delivers


@pytest.fixture(scope="module")
def stt(whisper_tiny_dir: Path) -> WhisperStt:
    return whisper(whisper_tiny_dir)


def _turn(
    voice: Path, sentences: list[str], pause_s: float = 0.5, tail_s: float = 0.7
) -> np.ndarray:
    """Sentences separated by pauses, then the trailing silence an endpointer waits for."""
    parts: list[np.ndarray] = [np.zeros(RATE // 5, np.int16)]
    for text in sentences:
        parts += [speech_16k(voice, text), np.zeros(int(pause_s * RATE), np.int16)]
    parts[-1] = np.zeros(int(tail_s * RATE), np.int16)
    audio = np.concatenate(parts)
    return np.clip(audio.astype(np.int32) + quiet_noise(audio.size), -32768, 32767).astype(np.int16)


def _wer(reference: str, hypothesis: str) -> float:
    return jiwer.wer(normalise_words(reference), normalise_words(hypothesis))


@pytest.mark.slow
async def test_interim_text_arrives_before_the_end_of_turn(
    stt: WhisperStt, piper_voice_path: Path
) -> None:
    sentences = [SALES_SENTENCES[1], SALES_SENTENCES[6]]
    audio = _turn(piper_voice_path, sentences)
    stream = SttStream(stt)
    received: list[tuple[bool, SttEvent]] = []
    turn_over = False

    async def consume() -> None:
        async for event in stream:
            received.append((turn_over, event))

    consumer = asyncio.create_task(consume())
    for offset in range(0, audio.size, FRAME):
        stream.push(audio[offset : offset + FRAME])
        await asyncio.sleep(0.01)  # twice real time: decodes must keep up in the background
    turn_over = True
    final = await stream.end_turn()

    before_end = [event for over, event in received if not over]
    assert before_end and all(e.kind == "interim" for e in before_end)
    assert any(e.stable_text for e in before_end), "the first sentence is committed at its pause"
    assert final.kind == "final" and not final.no_speech
    assert _wer(" ".join(sentences), final.text) <= 0.10, final.text
    committed = max((e.stable_text for e in before_end), key=len)
    assert final.text.startswith(committed)  # committed text never changes

    # the next turn is only room noise: an explicit no-speech final, not ""
    stream.push(quiet_noise(RATE, seed=11))
    silent = await stream.end_turn()
    assert silent.no_speech and silent.text == "" and silent.turn == final.turn + 1

    await stream.aclose()
    await consumer
    assert [e for _, e in received if e.kind == "final"] == [final, silent]


async def test_overlapping_end_of_turns_finish_in_order(
    stt: WhisperStt, piper_voice_path: Path
) -> None:
    """The live plugin starts end_turn() as a task and keeps pushing the next turn."""
    first, second = SALES_SENTENCES[7], SALES_SENTENCES[3]
    stream = SttStream(stt)
    stream.push(_turn(piper_voice_path, [first]))
    ending_first = asyncio.create_task(stream.end_turn())
    stream.push(_turn(piper_voice_path, [second]))
    ending_second = asyncio.create_task(stream.end_turn())
    finals = await asyncio.gather(ending_first, ending_second)
    assert [(f.turn, f.kind) for f in finals] == [(0, "final"), (1, "final")]
    assert _wer(first, finals[0].text) <= 0.15 and _wer(second, finals[1].text) <= 0.15
    await stream.aclose()
    assert [e async for e in stream if e.kind == "final"] == finals


def test_commits_leave_only_the_tail_for_the_end_of_turn(
    stt: WhisperStt, piper_voice_path: Path
) -> None:
    sentences = [SALES_SENTENCES[0], SALES_SENTENCES[2], SALES_SENTENCES[9]]
    audio = _turn(piper_voice_path, sentences, pause_s=0.6)
    turn = TurnAssembler(0, StreamingOptions())
    stable: list[str] = []
    for offset in range(0, audio.size, FRAME):
        turn.push(audio[offset : offset + FRAME])
        while (job := turn.next_job()) is not None:
            event = turn.apply(job, stt.transcribe(job.audio, context=job.context or None))
            stable.append(event.stable_text)
    assert len(set(filter(None, stable))) >= 3, "each sentence was committed at its pause"
    assert turn.final_job() is None, "only trailing silence was left: no decode at end of turn"
    final = turn.final_event()
    assert _wer(" ".join(sentences), final.text) <= 0.10, final.text


def test_sync_stream_at_48khz_matches_the_text(stt: WhisperStt, piper_voice_path: Path) -> None:
    sentences = [SALES_SENTENCES[3], SALES_SENTENCES[10]]
    audio_48k = resample(_turn(piper_voice_path, sentences), RATE, 48000)
    stream = SyncSttStream(stt, sample_rate=48000)
    interim: list[SttEvent] = []
    for offset in range(0, audio_48k.size, 960):
        interim += stream.push(audio_48k[offset : offset + 960])
    final = stream.end_turn()
    assert interim and final.kind == "final"
    assert _wer(" ".join(sentences), final.text) <= 0.10, final.text


def test_a_turn_without_speech_needs_no_decode() -> None:
    turn = TurnAssembler(3, StreamingOptions())
    turn.push(quiet_noise(3 * RATE))
    assert turn.next_job() is None and turn.final_job() is None
    final = turn.final_event()
    assert final.no_speech and final.text == "" and final.turn == 3


def test_bad_streaming_options_are_rejected() -> None:
    with pytest.raises(ValueError, match="min_segment_s"):
        StreamingOptions(min_segment_s=5, max_segment_s=2)
