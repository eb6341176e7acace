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
from collections.abc import AsyncIterator, Coroutine
from typing import Any

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
    event in stream``; the iteration ends after :meth:`aclose`. ``end_turn()``
    may be started as a task while audio of the next turn is already being
    pushed, and several may overlap: finals come out in turn order, and no
    background decode starts until they are done (the final is what a
    conversation waits for). A failed decode is raised by the next ``push()``
    or ``end_turn()``.
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
        self._finals = asyncio.Lock()  # FIFO: overlapping end_turn() calls finish in order
        self._finalizing = 0
        self._closed = False

    def push(self, pcm: PcmLike) -> None:
        """Add audio of the current turn; may start a background decode."""
        if self._closed:
            raise RuntimeError("SttStream.push() after aclose()")
        self._raise_failure()
        self._turn.push(self._intake.convert(pcm))
        self._schedule()

    def end_turn(self) -> Coroutine[Any, Any, SttEvent]:
        """Close the turn now; the returned coroutine gives its ``final`` event.

        The cut happens at the call, so audio pushed afterwards belongs to the
        next turn even while the final is still being decoded (the coroutine may
        be wrapped in a task). It must be awaited: until then no background
        decode starts.
        """
        turn = self._turn
        turn.push(self._intake.drain())
        self._turn = TurnAssembler(turn.turn + 1, self._options)
        self._finalizing += 1
        return self._finish(turn)

    async def _finish(self, turn: TurnAssembler) -> SttEvent:
        try:
            async with self._finals:
                if self._task is not None:
                    try:
                        await self._task  # a decode of this turn in flight: part of its final
                    finally:
                        self._task = None
                job = turn.final_job()
                if job is None:
                    event = turn.final_event()
                else:
                    result = await self._stt.atranscribe(job.audio, context=job.context or None)
                    event = turn.apply(job, result)
                self._events.put_nowait(event)
                return event
        finally:
            self._finalizing -= 1
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

    def _raise_failure(self) -> None:
        task = self._task
        if task is not None and task.done() and not task.cancelled():
            error = task.exception()
            if error is not None:
                self._task = None
                raise error

    def _schedule(self) -> None:
        """Start the next decode of the current turn unless one runs or a final is pending."""
        if self._closed or self._finalizing:
            return
        task = self._task
        if task is not None and (not task.done() or (not task.cancelled() and task.exception())):
            return  # still running, or failed: the next push() raises it
        job = self._turn.next_job()
        if job is None:
            self._task = None
            return
        self._task = asyncio.get_running_loop().create_task(
            self._run(self._turn, job), name=f"stt-{job.kind}-turn{self._turn.turn}"
        )
        self._task.add_done_callback(lambda _: self._schedule())

    async def _run(self, turn: TurnAssembler, job: DecodeJob) -> None:
        result = await self._stt.atranscribe(job.audio, context=job.context or None)
        self._events.put_nowait(turn.apply(job, result))


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
