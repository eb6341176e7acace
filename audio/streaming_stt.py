"""Streaming transcription: interim text while the speaker talks, a final at end of turn.

Two drivers run the policy of :class:`~audio.turn_assembler.TurnAssembler` on a
:class:`~audio.stt.WhisperStt`:

* :class:`SttStream` for asyncio. ``push()`` is cheap (it only runs the pause
  detector) and starts at most one decode at a time in a worker thread, so the
  decode schedule adapts to what the CPU can afford: while a decode runs,
  audio just accumulates. ``end_turn()`` waits for the decode in flight,
  decodes only the tail after the last commit and returns the ``final`` event.
* :class:`SyncSttStream` for blocking code: the same policy, decodes inline.

The end of a turn is decided outside (by an :class:`~audio.vad.EndpointingVad`
or by livekit's turn detection), which then calls ``end_turn()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import numpy as np

from audio.pcm import PcmLike, to_int16
from audio.resample import StreamResampler
from audio.stt import STT_RATE, Transcript, WhisperStt
from audio.turn_assembler import DecodeJob, StreamingOptions, SttEvent, TurnAssembler

logger = logging.getLogger(__name__)


class _Intake:
    """Input conversion shared by both drivers: any PCM at ``sample_rate`` to 16 kHz int16."""

    def __init__(self, sample_rate: int) -> None:
        self._resampler = (
            StreamResampler(sample_rate, STT_RATE) if sample_rate != STT_RATE else None
        )

    def convert(self, pcm: PcmLike) -> np.ndarray:
        samples = to_int16(pcm, "streaming STT input")
        return self._resampler.process(samples) if self._resampler else samples

    def drain(self) -> np.ndarray:
        return self._resampler.flush() if self._resampler else np.zeros(0, dtype=np.int16)


class SttStream:
    """asyncio streaming STT. Call :meth:`push` and :meth:`end_turn` from the event loop thread.

    Events (interim and final) are also available in order through ``async for
    event in stream``; the iteration ends after :meth:`aclose`.
    """

    def __init__(
        self, stt: WhisperStt, options: StreamingOptions | None = None, sample_rate: int = STT_RATE
    ) -> None:
        self._stt = stt
        self._options = options or StreamingOptions()
        self._intake = _Intake(sample_rate)
        self._turn = TurnAssembler(0, self._options)
        self._events: asyncio.Queue[SttEvent | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._finalizing = False
        self._closed = False

    def push(self, pcm: PcmLike) -> None:
        """Add audio of the current turn; may start a background decode."""
        if self._closed:
            raise RuntimeError("SttStream.push() after aclose()")
        self._turn.push(self._intake.convert(pcm))
        self._schedule()

    async def end_turn(self) -> SttEvent:
        """Finish the turn and return its ``final`` event; later pushes start the next turn."""
        turn = self._turn
        turn.push(self._intake.drain())
        self._turn = TurnAssembler(turn.turn + 1, self._options)
        self._finalizing = True
        try:
            if self._task is not None:
                await self._task  # a decode of this turn in flight: its result is part of the final
            job = turn.final_job()
            if job is None:
                event = turn.final_event()
            else:
                result = await self._stt.atranscribe(job.audio, context=job.context or None)
                event = turn.apply(job, result)
            self._events.put_nowait(event)
            return event
        finally:
            self._finalizing = False
            self._task = None
            self._schedule()

    async def aclose(self) -> None:
        """Stop: cancel waiting for any decode in flight and end the event iteration."""
        self._closed = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._events.put_nowait(None)

    def __aiter__(self) -> AsyncIterator[SttEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[SttEvent]:
        while (event := await self._events.get()) is not None:
            yield event

    def _schedule(self) -> None:
        """Start the next decode of the current turn unless one is running."""
        if self._closed or self._finalizing:
            return
        if self._task is not None:
            if not self._task.done():
                return
            if not self._task.cancelled() and self._task.exception() is not None:
                failed, self._task = self._task, None
                raise failed.exception()  # type: ignore[misc]
        job = self._turn.next_job()
        if job is not None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(self._turn, job), name=f"stt-{job.kind}-turn{self._turn.turn}"
            )

    async def _run(self, turn: TurnAssembler, job: DecodeJob) -> None:
        result = await self._stt.atranscribe(job.audio, context=job.context or None)
        self._events.put_nowait(turn.apply(job, result))
        if turn is self._turn and not self._finalizing:
            self._task = None
            self._schedule()


class SyncSttStream:
    """Blocking streaming STT: :meth:`push` decodes inline whenever a decode is due."""

    def __init__(
        self, stt: WhisperStt, options: StreamingOptions | None = None, sample_rate: int = STT_RATE
    ) -> None:
        self._stt = stt
        self._options = options or StreamingOptions()
        self._intake = _Intake(sample_rate)
        self._turn = TurnAssembler(0, self._options)

    def push(self, pcm: PcmLike) -> list[SttEvent]:
        """Add audio; returns the interim events of any decodes it ran."""
        self._turn.push(self._intake.convert(pcm))
        events = []
        while (job := self._turn.next_job()) is not None:
            events.append(self._turn.apply(job, self._decode(job)))
        return events

    def end_turn(self) -> SttEvent:
        """Decode the tail, return the ``final`` event and start a new turn."""
        turn = self._turn
        turn.push(self._intake.drain())
        self._turn = TurnAssembler(turn.turn + 1, self._options)
        job = turn.final_job()
        return turn.final_event() if job is None else turn.apply(job, self._decode(job))

    def _decode(self, job: DecodeJob) -> Transcript:
        return self._stt.transcribe(job.audio, context=job.context or None)
