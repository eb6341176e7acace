"""The simulated rep: a scripted caller that speaks into the call protocol in real time.

It behaves like a person on a headset: the microphone streams 20 ms frames
continuously (silence included) at exactly real time; each script line is
synthesised with the same Piper voice as the buyer but pitched and paced
differently, and spoken after the buyer has finished (plus the line's
``pause_before_s``), or deliberately over the buyer's reply when the line has
``barge_in_after_s``. It plays the buyer's audio on a virtual clock and reports
its playout position, as a browser client does.

Timing is measured on the client, independently of the server's own metrics:
voice-to-voice latency is the time from the last voiced sample of a line
leaving the microphone to the first buyer audio frame arriving after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from websockets.asyncio.client import ClientConnection, connect

from audio.tts import PiperTts, VoiceOptions
from simulator.simrep.script import RepLine, RepScript
from simulator.transport.protocol import FRAME_MS, INPUT_FRAME_BYTES, INPUT_SAMPLE_RATE

logger = logging.getLogger("simulator.simrep")

_FRAME_SAMPLES = INPUT_FRAME_BYTES // 2
_SILENCE = bytes(INPUT_FRAME_BYTES)
_VOICED_LEVEL = 300  # int16 peak that counts as speech when trimming synthesised lines
_PLAYOUT_REPORT_S = 0.2


def rep_voice(buyer: VoiceOptions) -> VoiceOptions:
    """The rep's voice: the buyer's Piper voice, pitched away from the buyer and a bit faster."""
    shift = 4.0 if buyer.pitch_semitones <= 0 else -4.0
    pitch = max(-12.0, min(12.0, buyer.pitch_semitones + shift))
    return VoiceOptions(length_scale=max(0.5, buyer.length_scale * 0.92), pitch_semitones=pitch)


def trim_silence(pcm: np.ndarray, keep_s: float = 0.05) -> np.ndarray:
    """Cut leading/trailing near-silence so a line's end is its last voiced sample."""
    voiced = np.flatnonzero(np.abs(pcm.astype(np.int32)) > _VOICED_LEVEL)
    if voiced.size == 0:
        return pcm
    keep = int(keep_s * INPUT_SAMPLE_RATE)
    return pcm[max(0, voiced[0] - keep) : voiced[-1] + 1]


@dataclass
class LineResult:
    """What happened around one script line (client clock: seconds since connect)."""

    index: int
    text: str
    barge_in: bool
    speech_start_s: float = 0.0
    speech_end_s: float = 0.0
    reply_latency_s: float | None = None
    """Last voiced sample sent -> first buyer audio received after it."""
    buyer_cut_s: float | None = None
    """Barge-ins: first voiced sample sent -> the server's ``clear`` for the buyer audio."""


@dataclass
class RepRun:
    """Everything the simulated rep saw."""

    session_id: str | None = None
    lines: list[LineResult] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    ended: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    buyer_audio_s: float = 0.0

    @property
    def latencies(self) -> list[float]:
        return [line.reply_latency_s for line in self.lines if line.reply_latency_s is not None
                and not line.barge_in]


class SimulatedRep:
    """Runs one script against one call URL."""

    def __init__(
        self,
        *,
        url: str,
        persona: str,
        script: RepScript,
        tts: PiperTts,
        voice: VoiceOptions,
        reply_timeout_s: float = 25.0,
        quiet_s: float = 0.6,
        hold_s: float = 3.0,
        on_line: Callable[[LineResult], None] | None = None,
        on_message: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.url = url
        self.persona = persona
        self.script = script
        self._tts = tts
        self._voice = voice
        self._reply_timeout_s = reply_timeout_s
        self._quiet_s = quiet_s
        self._hold_s = hold_s
        self._on_line = on_line
        self._on_message = on_message
        self._outgoing: deque[tuple[bytes, Callable[[], None] | None]] = deque()
        self._t0 = 0.0
        self._buyer_speaking = False
        self._segment_open = False
        """A buyer segment started and has not stopped (it may be paused or waiting for words)."""
        self._buyer_changed = asyncio.Event()
        self._last_buyer_audio = 0.0
        self._last_buyer_stop = 0.0
        self._buyer_started_count = 0
        self._line_ended = 0.0
        self._waiting_reply: LineResult | None = None
        self._cut_watch: LineResult | None = None
        self._segment = -1
        self._segment_started_at = 0.0
        self._segment_samples = 0
        self._done = asyncio.Event()
        self._run = RepRun()

    def now(self) -> float:
        return time.monotonic() - self._t0

    async def run(self) -> RepRun:
        audio = await asyncio.to_thread(self._synthesize_lines)
        async with connect(self.url, max_size=1 << 22) as ws:
            self._t0 = time.monotonic()
            await ws.send(json.dumps({"type": "start", "persona": self.persona}))
            receiver = asyncio.create_task(self._receive(ws), name="rep-receive")
            ready = await self._first_message(ws, receiver)
            if ready is None:
                return self._run
            sender = asyncio.create_task(self._send_microphone(ws), name="rep-microphone")
            reporter = asyncio.create_task(self._report_playout(ws), name="rep-playout")
            try:
                await self._talk(ws, audio)
            finally:
                for task in (sender, reporter):
                    task.cancel()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(receiver, timeout=20)
                receiver.cancel()
        return self._run

    def _synthesize_lines(self) -> list[np.ndarray]:
        return [
            trim_silence(self._tts.synthesize_all(line.say, self._voice, INPUT_SAMPLE_RATE))
            for line in self.script.lines
        ]

    async def _first_message(self, ws: ClientConnection, receiver: asyncio.Task[None]) -> dict | None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not receiver.done():
            if self._run.session_id is not None:
                return {"session_id": self._run.session_id}
            await asyncio.sleep(0.02)
        return None

    async def _talk(self, ws: ClientConnection, audio: list[np.ndarray]) -> None:
        lines = self.script.lines
        first_barges = lines[0].barge_in_after_s is not None
        if not first_barges:
            await self._wait_for_buyer_turn(expect_reply=True, first=True)
        for index, (line, pcm) in enumerate(zip(lines, audio, strict=True)):
            if self._done.is_set():
                return
            result = LineResult(index, line.say, barge_in=line.barge_in_after_s is not None)
            if line.barge_in_after_s is not None:
                # cut into the reply to the previous line (or the opening line)
                await self._wait_for_buyer_start()
                await asyncio.sleep(line.barge_in_after_s)
                self._cut_watch = result if self._buyer_speaking else None
            else:
                await asyncio.sleep(line.pause_before_s)
            await self._speak(pcm, result)
            self._run.lines.append(result)
            next_barges = index + 1 < len(lines) and lines[index + 1].barge_in_after_s is not None
            if not next_barges:
                await self._wait_for_buyer_turn(expect_reply=True)
            if self._on_line is not None:
                self._on_line(result)
        if not self._done.is_set():
            await ws.send(json.dumps({"type": "end"}))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._done.wait(), timeout=20)

    async def _speak(self, pcm: np.ndarray, result: LineResult) -> None:
        """Queue the line on the microphone and wait until its last frame has gone out."""
        sent = asyncio.Event()
        frames = max(1, -(-pcm.size // _FRAME_SAMPLES))
        padded = np.zeros(frames * _FRAME_SAMPLES, dtype=np.int16)
        padded[: pcm.size] = pcm

        def first() -> None:
            result.speech_start_s = self.now()

        def last() -> None:
            result.speech_end_s = self.now()
            self._line_ended = time.monotonic()
            self._waiting_reply = result
            self._buyer_started_count = 0
            sent.set()

        for i in range(frames):
            chunk = padded[i * _FRAME_SAMPLES : (i + 1) * _FRAME_SAMPLES].tobytes()
            marker = first if i == 0 else None
            if i == frames - 1:
                marker = (lambda: (first(), last())) if frames == 1 else last
            self._outgoing.append((chunk, marker))
        await sent.wait()

    async def _wait_for_buyer_start(self) -> None:
        """Wait until the buyer starts replying to the rep's last line."""
        deadline = time.monotonic() + self._reply_timeout_s
        while self._buyer_started_count == 0 and not self._done.is_set():
            if time.monotonic() > deadline:
                return
            await self._wait_change(deadline)

    async def _wait_for_buyer_turn(self, *, expect_reply: bool, first: bool = False) -> None:
        """Wait for the buyer's reply to begin (if one is due) and for the line to go quiet."""
        timeout = 4.0 if first else self._reply_timeout_s
        deadline = time.monotonic() + timeout
        if expect_reply:
            # any buyer audio after the line counts: a new reply, or one resumed after a
            # backchannel the buyer talked through
            while self._last_buyer_audio <= self._line_ended and not self._buyer_speaking:
                if self._done.is_set() or time.monotonic() > deadline:
                    return
                await self._wait_change(deadline)
        deadline = time.monotonic() + 60
        while not self._done.is_set() and time.monotonic() < deadline:
            quiet_for = time.monotonic() - max(self._last_buyer_audio, self._last_buyer_stop)
            # a reply that went quiet without ending (paused over a backchannel, or an
            # acknowledgement waiting for the words after it) is given longer, as a person would
            needed = self._hold_s if self._segment_open else self._quiet_s
            if not self._buyer_speaking and quiet_for >= needed:
                return
            await asyncio.sleep(0.05)

    async def _wait_change(self, deadline: float) -> None:
        self._buyer_changed.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._buyer_changed.wait(), timeout=max(0.01, deadline - time.monotonic()))

    async def _send_microphone(self, ws: ClientConnection) -> None:
        """20 ms frames at exactly real time, silence when there is nothing to say."""
        frame_s = FRAME_MS / 1000
        start = time.monotonic()
        sent = 0
        while True:
            chunk, marker = self._outgoing.popleft() if self._outgoing else (_SILENCE, None)
            await ws.send(chunk)
            if marker is not None:
                marker()
            sent += 1
            delay = start + sent * frame_s - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)

    async def _report_playout(self, ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(_PLAYOUT_REPORT_S)
            if self._buyer_speaking:
                await ws.send(json.dumps({"type": "playout", "segment": self._segment,
                                          "position_s": round(self._played_s(), 3)}))

    def _played_s(self) -> float:
        elapsed = time.monotonic() - self._segment_started_at
        return min(elapsed, self._segment_samples / INPUT_SAMPLE_RATE)

    async def _receive(self, ws: ClientConnection) -> None:
        with contextlib.suppress(Exception):
            async for message in ws:
                if isinstance(message, bytes):
                    self._on_audio(message)
                else:
                    self._on_json(json.loads(message))
        self._done.set()
        self._buyer_changed.set()

    def _on_audio(self, data: bytes) -> None:
        now = time.monotonic()
        self._last_buyer_audio = now
        self._segment_samples += len(data) // 2
        self._run.buyer_audio_s += len(data) / 2 / INPUT_SAMPLE_RATE
        waiting = self._waiting_reply
        if waiting is not None:
            waiting.reply_latency_s = self.now() - waiting.speech_end_s
            self._waiting_reply = None

    def _on_json(self, message: dict[str, Any]) -> None:
        self._run.messages.append({**message, "t": round(self.now(), 3)})
        if self._on_message is not None:
            self._on_message(message)
        kind = message.get("type")
        if kind == "ready":
            self._run.session_id = message.get("session_id")
        elif kind == "buyer_speaking":
            self._buyer_speaking = True
            self._segment_open = True
            segment = int(message.get("segment", 0))
            if segment != self._segment:
                self._buyer_started_count += 1  # a new reply (a repeat means resumed)
                self._segment = segment
                self._segment_started_at = time.monotonic()
                self._segment_samples = 0
        elif kind == "buyer_stopped":
            self._buyer_speaking = False
            self._segment_open = False
            self._last_buyer_stop = time.monotonic()
        elif kind == "clear":
            watch = self._cut_watch
            if watch is not None and watch.speech_start_s:
                watch.buyer_cut_s = self.now() - watch.speech_start_s
                self._cut_watch = None
            self._buyer_speaking = False
            self._last_buyer_stop = time.monotonic()
        elif kind == "ended":
            self._run.ended = message
        elif kind == "error":
            self._run.error = message
            logger.warning("server error: %s", message)
        self._buyer_changed.set()


__all__ = ["LineResult", "RepLine", "RepRun", "SimulatedRep", "rep_voice", "trim_silence"]
