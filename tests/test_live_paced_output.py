"""The paced buyer-audio output: real-time sending, pause/resume, barge-in, what got recorded.

Runs the real ``PacedAudioOutput`` (a livekit ``AudioOutput``) against a sink
that records what would go to the client and to the recording.
"""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest
from livekit import rtc

from simulator.live.io import PacedAudioOutput

RATE = 16000


class Sink:
    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.started: list[int] = []
        self.resumed: list[int] = []
        self.frames: list[tuple[float, int, bytes]] = []
        self.clears: list[tuple[float, int]] = []
        self.played_chunks: list[tuple[float, np.ndarray]] = []
        self.finished: list[tuple[int, float, bool]] = []

    def now_s(self) -> float:
        return time.monotonic() - self.t0

    def segment_started(self, segment: int) -> None:
        self.started.append(segment)

    def segment_resumed(self, segment: int) -> None:
        self.resumed.append(segment)

    def send_frame(self, segment: int, pcm: bytes) -> None:
        self.frames.append((self.now_s(), segment, pcm))

    def clear(self, segment: int) -> None:
        self.clears.append((self.now_s(), segment))

    def played(self, segment: int, pcm: np.ndarray, at_s: float) -> None:
        self.played_chunks.append((at_s, pcm.copy()))

    def segment_finished(self, segment: int, position_s: float, interrupted: bool) -> None:
        self.finished.append((segment, position_s, interrupted))

    def played_seconds(self) -> float:
        return sum(p.size for _, p in self.played_chunks) / RATE


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (8000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


async def capture(output: PacedAudioOutput, pcm: np.ndarray, frame_ms: int = 40) -> None:
    step = RATE * frame_ms // 1000
    for start in range(0, pcm.size, step):
        chunk = pcm[start : start + step]
        await output.capture_frame(rtc.AudioFrame(chunk.tobytes(), RATE, 1, chunk.size))
    output.flush()


@pytest.fixture
def sink() -> Sink:
    return Sink()


async def test_a_reply_is_sent_in_real_time_and_recorded_where_it_played(sink: Sink) -> None:
    output = PacedAudioOutput(sink, sink.now_s, lead_s=0.1)
    audio = tone(1.0)
    started = sink.now_s()
    await capture(output, audio)
    event = await asyncio.wait_for(output.wait_for_playout(), timeout=5)
    elapsed = sink.now_s() - started
    assert not event.interrupted
    assert event.playback_position == pytest.approx(1.0, abs=0.021)
    assert 0.95 <= elapsed <= 1.6, elapsed
    assert sink.started == [0] and sink.finished == [(0, event.playback_position, False)]
    # never more than the lead (plus one frame) ahead of the play clock
    first_sent = sink.frames[0][0]
    for index, (sent_at, _, pcm) in enumerate(sink.frames):
        assert len(pcm) == 640 or index == len(sink.frames) - 1
        assert sent_at >= first_sent + index * 0.02 - 0.1 - 0.02 - 0.005
    assert b"".join(f[2] for f in sink.frames) == audio.tobytes()
    # the recording got exactly the audio, contiguous, starting when playback started
    recorded = np.concatenate([p for _, p in sink.played_chunks])
    assert np.array_equal(recorded, audio)
    assert sink.played_chunks[0][0] == pytest.approx(first_sent, abs=0.05)
    for (at_a, pcm_a), (at_b, _) in zip(sink.played_chunks, sink.played_chunks[1:]):
        assert at_b == pytest.approx(at_a + pcm_a.size / RATE, abs=0.03)


async def test_pause_clears_the_client_and_resume_continues_after_a_gap(sink: Sink) -> None:
    output = PacedAudioOutput(sink, sink.now_s, lead_s=0.1)
    await capture(output, tone(1.0))
    await asyncio.sleep(0.3)
    output.pause()
    paused_at = sink.now_s()
    assert [segment for _, segment in sink.clears] == [0]
    sent_before = len(sink.frames)
    await asyncio.sleep(0.4)
    assert len(sink.frames) == sent_before  # silence while paused
    played_while_paused = sink.played_seconds()
    output.resume()
    event = await asyncio.wait_for(output.wait_for_playout(), timeout=5)
    assert not event.interrupted and event.playback_position == pytest.approx(1.0, abs=0.021)
    assert sink.resumed == [0]
    assert sink.played_seconds() == pytest.approx(1.0, abs=0.021)
    # what was played before the pause is recorded before it; the rest comes after the gap
    assert 0.2 <= played_while_paused <= 0.45
    after = [at for at, _ in sink.played_chunks if at > paused_at]
    assert after and min(after) >= paused_at + 0.35


async def test_barge_in_cuts_the_reply_where_it_was_played(sink: Sink) -> None:
    output = PacedAudioOutput(sink, sink.now_s, lead_s=0.1)
    await capture(output, tone(2.0))
    await asyncio.sleep(0.5)
    output.clear_buffer()
    event = await asyncio.wait_for(output.wait_for_playout(), timeout=2)
    assert event.interrupted
    assert 0.4 <= event.playback_position <= 0.7
    assert sink.finished == [(0, event.playback_position, True)]
    assert len(sink.clears) == 1
    assert sink.played_seconds() == pytest.approx(event.playback_position, abs=0.021)
    sent_after = len(sink.frames)
    await asyncio.sleep(0.2)
    assert len(sink.frames) == sent_after  # nothing more of that reply goes out
    output.clear_buffer()  # idempotent: no second finish
    assert len(sink.finished) == 1


async def test_frames_of_a_cleared_reply_are_dropped_until_the_next_segment(sink: Sink) -> None:
    output = PacedAudioOutput(sink, sink.now_s, lead_s=0.1)
    pcm = tone(0.2)
    await output.capture_frame(rtc.AudioFrame(pcm.tobytes(), RATE, 1, pcm.size))
    output.clear_buffer()
    await output.capture_frame(rtc.AudioFrame(pcm.tobytes(), RATE, 1, pcm.size))  # late TTS frame
    output.flush()
    await capture(output, tone(0.3))
    await asyncio.wait_for(output.wait_for_playout(), timeout=3)
    assert [(segment, interrupted) for segment, _, interrupted in sink.finished] == [(0, True), (1, False)]
    assert sink.finished[0][1] == 0.0  # nothing of it was played
    assert sink.played_seconds() == pytest.approx(0.3, abs=0.021)


async def test_wrong_sample_rate_is_refused(sink: Sink) -> None:
    output = PacedAudioOutput(sink, sink.now_s)
    frame = rtc.AudioFrame(bytes(960), 24000, 1, 480)
    with pytest.raises(ValueError, match="16000 Hz"):
        await output.capture_frame(frame)
