"""livekit-agents audio/text I/O for the embedded WebSocket transport.

``AgentSession`` normally reads and writes a LiveKit room. Without a server we
give it three small adapters instead:

* :class:`QueueAudioInput` turns the client's 20 ms PCM frames (already paced
  in real time by the client, and checked by the transport) into
  ``rtc.AudioFrame`` objects;
* :class:`PacedAudioOutput` plays buyer audio *to the client in real time*: it
  keeps each reply on the server and sends only ``lead_s`` ahead of the play
  clock, so a barge-in (pause or clear) silences the client within one frame
  plus that lead, and it knows exactly which samples were played and when, which
  is what the recording and the truncated transcript are built from;
* :class:`BuyerTextOutput` receives the buyer's words as they are voiced (after
  livekit's ``TranscriptSynchronizer``) for interim buyer transcripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from livekit import rtc
from livekit.agents.voice import io

from simulator.transport.protocol import FRAME_MS, INPUT_SAMPLE_RATE, OUTPUT_SAMPLE_RATE

logger = logging.getLogger("simulator.live")


class QueueAudioInput(io.AudioInput):
    """Rep microphone frames pushed by the transport, read by the session."""

    def __init__(self, sample_rate: int = INPUT_SAMPLE_RATE) -> None:
        super().__init__(label="embedded-microphone")
        self._sample_rate = sample_rate
        self._queue: asyncio.Queue[rtc.AudioFrame | None] = asyncio.Queue()
        self._closed = False

    def push(self, pcm: bytes, call_t: float) -> None:
        """One PCM16 mono frame at ``sample_rate`` that starts at call time ``call_t``.

        The time rides along in ``frame.userdata["call_t"]`` so the STT can report
        turn boundaries as exact positions on the recording.
        """
        if self._closed:
            return
        frame = rtc.AudioFrame(
            data=pcm,
            sample_rate=self._sample_rate,
            num_channels=1,
            samples_per_channel=len(pcm) // 2,
        )
        frame.userdata["call_t"] = call_t
        self._queue.put_nowait(frame)

    def close(self) -> None:
        """End of input: the session's audio reader stops."""
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(None)

    async def __anext__(self) -> rtc.AudioFrame:
        frame = await self._queue.get()
        if frame is None:
            self._queue.put_nowait(None)  # stay ended for any later reader
            raise StopAsyncIteration
        return frame


class PlaybackSink(Protocol):
    """Where the paced output reports what it does (implemented by the live call)."""

    def segment_started(self, segment: int) -> None:
        """The first audio of buyer segment ``segment`` is being sent."""
        ...

    def segment_resumed(self, segment: int) -> None:
        """Audio of ``segment`` flows again after a pause (the barge-in was a false alarm)."""
        ...

    def send_frame(self, segment: int, pcm: bytes) -> None:
        """Deliver one frame of buyer audio to the client."""
        ...

    def clear(self, segment: int) -> None:
        """Tell the client to drop buffered audio of ``segment`` now (barge-in)."""
        ...

    def played(self, segment: int, pcm: np.ndarray, at_s: float) -> None:
        """``pcm`` (int16) of ``segment`` was played starting at call time ``at_s``: record it."""
        ...

    def segment_finished(self, segment: int, position_s: float, interrupted: bool) -> None:
        """The segment ended after ``position_s`` seconds of it were played."""
        ...


@dataclass
class _Segment:
    index: int
    chunks: list[np.ndarray] = field(default_factory=list)
    size: int = 0
    complete: bool = False
    sent: int = 0
    """Samples handed to the client (may run ahead of ``played`` by the lead)."""
    played_base: int = 0
    """Samples played before the current run started."""
    run_started_at: float | None = None
    """Monotonic time the current run started (None: not started, or paused)."""
    recorded: int = 0
    started: bool = False
    resumed: bool = False
    client_cleared: bool = False
    """A ``clear`` went out and no audio was sent since (no need to send another)."""
    _flat: np.ndarray | None = None

    def append(self, pcm: np.ndarray) -> None:
        self.chunks.append(pcm)
        self.size += pcm.size
        self._flat = None

    def samples(self, start: int, stop: int) -> np.ndarray:
        if self._flat is None or self._flat.size != self.size:
            self._flat = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int16)
            self.chunks = [self._flat]
        return self._flat[start:stop]


class PacedAudioOutput(io.AudioOutput):
    """Buyer audio out to the client at real-time pace, pausable and clearable.

    One segment per reply (livekit flushes after each). ``now_s`` maps monotonic
    time to call time for the recording.
    """

    def __init__(
        self,
        sink: PlaybackSink,
        now_s: Callable[[], float],
        *,
        sample_rate: int = OUTPUT_SAMPLE_RATE,
        lead_s: float = 0.1,
    ) -> None:
        super().__init__(
            label="embedded-speaker",
            capabilities=io.AudioOutputCapabilities(pause=True),
            sample_rate=sample_rate,
        )
        self._sink = sink
        self._now_s = now_s
        self._rate = sample_rate
        self._frame = sample_rate * FRAME_MS // 1000
        self._lead = int(lead_s * sample_rate)
        self._segments: deque[_Segment] = deque()
        self._capturing: _Segment | None = None
        self._discard_until_flush = False
        self._next_index = 0
        self._paused = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    # --- state queried by the call (backchannel filtering, silence timers) ----
    @property
    def active(self) -> bool:
        """A buyer segment is queued, playing or paused."""
        return bool(self._segments)

    @property
    def paused(self) -> bool:
        return self._paused

    # --- livekit AudioOutput interface ---------------------------------------
    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        if frame.sample_rate != self._rate or frame.num_channels != 1:
            raise ValueError(
                f"buyer audio must be mono {self._rate} Hz, got {frame.num_channels} ch "
                f"{frame.sample_rate} Hz"
            )
        if self._discard_until_flush or self._closed:
            return
        await super().capture_frame(frame)
        if self._capturing is None:
            self._capturing = _Segment(index=self._next_index)
            self._next_index += 1
            self._segments.append(self._capturing)
        pcm = np.frombuffer(bytes(frame.data), dtype=np.int16).copy()
        self._capturing.append(pcm)
        self._ensure_task()
        self._wake.set()

    def flush(self) -> None:
        super().flush()
        self._discard_until_flush = False
        if self._capturing is not None:
            self._capturing.complete = True
            self._capturing = None
            self._wake.set()

    def clear_buffer(self) -> None:
        """Stop now: the playing segment ends interrupted, queued ones are dropped."""
        if self._capturing is not None:
            self._discard_until_flush = True
            self._capturing = None
        while self._segments:
            segment = self._segments.popleft()
            position = self._settle(segment, time.monotonic())
            if segment.started and not segment.client_cleared:
                self._sink.clear(segment.index)
            self._finish(segment, position, interrupted=True)
        self._paused = False

    def pause(self) -> None:
        """Barge-in suspected: stop sending and make the client drop what it has buffered."""
        if self._paused:
            return
        self._paused = True
        if self._segments:
            segment = self._segments[0]
            position = self._settle(segment, time.monotonic())
            segment.played_base = position
            segment.sent = position  # the client drops the lead it had buffered
            segment.run_started_at = None
            if segment.started:
                self._sink.clear(segment.index)
                segment.client_cleared = True

    def resume(self) -> None:
        """False alarm: continue the segment from where it was paused."""
        if not self._paused:
            return
        self._paused = False
        if self._segments and self._segments[0].started:
            self._segments[0].resumed = True
        self._wake.set()

    async def aclose(self) -> None:
        self._closed = True
        self.clear_buffer()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # --- pacing --------------------------------------------------------------
    def _ensure_task(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._pace(), name="buyer-audio-pacer")

    def _settle(self, segment: _Segment, now: float) -> int:
        """Played position at ``now``; records everything played up to it."""
        run_start = segment.run_started_at
        if run_start is None:
            return segment.played_base
        clock = segment.played_base + int((now - run_start) * self._rate)
        position = min(clock, segment.sent)
        if position > segment.recorded:
            offset_s = (segment.recorded - segment.played_base) / self._rate
            at_s = self._now_s() - (now - run_start) + offset_s
            self._sink.played(segment.index, segment.samples(segment.recorded, position), at_s)
            segment.recorded = position
        if clock > segment.sent:
            # underrun: the client ran dry; playback resumes when more audio arrives
            segment.played_base = segment.sent
            segment.run_started_at = now
        return position

    async def _pace(self) -> None:
        tick = FRAME_MS / 1000
        while not self._closed:
            if not self._segments or self._paused:
                self._wake.clear()
                await self._wake.wait()
                continue
            segment = self._segments[0]
            now = time.monotonic()
            if segment.run_started_at is None and segment.size > segment.sent:
                segment.run_started_at = now
                segment.played_base = segment.sent
            position = self._settle(segment, now)
            self._send_ahead(segment, position)
            if segment.complete and position >= segment.size:
                self._segments.popleft()
                self._finish(segment, segment.size, interrupted=False)
                continue
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=tick)

    def _send_ahead(self, segment: _Segment, position: int) -> None:
        target = min(position + self._lead + self._frame, segment.size)
        while segment.sent < target:
            stop = min(segment.sent + self._frame, segment.size)
            if stop - segment.sent < self._frame and not segment.complete:
                break  # wait for a whole frame unless this is the tail
            if not segment.started:
                segment.started = True
                self._sink.segment_started(segment.index)
                self.on_playback_started(created_at=time.time())
            elif segment.resumed:
                segment.resumed = False
                self._sink.segment_resumed(segment.index)
            self._sink.send_frame(segment.index, segment.samples(segment.sent, stop).tobytes())
            segment.client_cleared = False
            segment.sent = stop

    def _finish(self, segment: _Segment, position: int, *, interrupted: bool) -> None:
        seconds = position / self._rate
        self._sink.segment_finished(segment.index, seconds, interrupted)
        self.on_playback_finished(playback_position=seconds, interrupted=interrupted)


class BuyerTextOutput(io.TextOutput):
    """The buyer's words as they are voiced; forwards the running text of the reply."""

    def __init__(self, on_text: Callable[[str], None]) -> None:
        super().__init__(label="embedded-buyer-text", next_in_chain=None)
        self._on_text = on_text
        self._text = ""

    async def capture_text(self, text: str) -> None:
        self._text += text
        self._on_text(self._text)

    def flush(self) -> None:
        self._text = ""
