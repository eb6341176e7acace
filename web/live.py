"""The seam between the web app and the live voice call (``simulator``).

The call protocol itself (handshake, validation, audio framing) is
``simulator.transport.CallSessionHandler``; the web app only adds what it owns:
who is calling, which call record this is, where its files go, and turning
those files into a scored session when the call ends. A :class:`LiveBackend`
builds the voice session for one call; :class:`RuntimeBackend` is the
simulator's livekit-agents pipeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fastapi.concurrency import run_in_threadpool

from personas import Persona
from simulator.live.runtime import LiveRuntime
from simulator.settings import Settings
from simulator.transport.handler import CallSession, Downlink, SessionRejected
from simulator.transport.protocol import StartMessage

logger = logging.getLogger("web.live")


class LiveBackend(Protocol):
    """Builds and starts the voice session of one call."""

    def warm_up(self) -> None:
        """Begin loading models in the background (called when the server starts)."""
        ...

    async def start(
        self, *, persona: Persona, session_dir: Path, start: StartMessage, downlink: Downlink
    ) -> CallSession:
        """A running session that writes its files into ``session_dir``."""
        ...

    async def aclose(self) -> None:
        """Release models and connections (called when the server stops)."""
        ...

    def status(self) -> str:
        """'idle', 'loading', 'ready' or 'unavailable: <reason>' (for /api/health and the UI)."""
        ...


@dataclass
class CallTicket:
    """What the web app knows about the call a WebSocket belongs to."""

    call_id: str
    persona: Persona
    session_dir: Path


class RecordedSession:
    """Wraps the backend's session: when it ends, the web app ingests and scores it."""

    def __init__(self, inner: CallSession, on_ended: Callable[[], None]) -> None:
        self._inner = inner
        self._on_ended = on_ended
        self._ingested = False
        self.session_id = inner.session_id

    def push_audio(self, frame: bytes) -> None:
        self._inner.push_audio(frame)

    def on_playout(self, segment: int, position_s: float) -> None:
        self._inner.on_playout(segment, position_s)

    async def run(self) -> str:
        return await self._inner.run()

    async def end(self, reason: str) -> bool:
        complete = await self._inner.end(reason)
        if not self._ingested:
            self._ingested = True
            await run_in_threadpool(self._on_ended)  # scoring reads files and computes: off-loop
        return complete


class WebCallStarter:
    """The ``SessionStarter`` for one authenticated WebSocket: checks the persona, then starts."""

    def __init__(
        self,
        backend: LiveBackend,
        ticket: CallTicket,
        *,
        on_live: Callable[[], None],
        on_ended: Callable[[], None],
    ) -> None:
        self._backend = backend
        self._ticket = ticket
        self._on_live = on_live
        self._on_ended = on_ended

    async def __call__(self, start: StartMessage, downlink: Downlink) -> CallSession:
        if start.persona != self._ticket.persona.id:
            raise SessionRejected(
                f"this call was created for persona {self._ticket.persona.id!r}, "
                f"not {start.persona!r}"
            )
        self._ticket.session_dir.mkdir(parents=True, exist_ok=True)
        inner = await self._backend.start(
            persona=self._ticket.persona,
            session_dir=self._ticket.session_dir,
            start=start,
            downlink=downlink,
        )
        await run_in_threadpool(self._on_live)
        return RecordedSession(inner, self._on_ended)


class RuntimeBackend:
    """The simulator's voice pipeline (``LiveRuntime``), loaded once per process.

    Loading Whisper, Piper and the LLM takes seconds to a minute, so ``serve``
    starts it in the background when the app starts (:meth:`warm_up`); a call
    that arrives earlier waits for it. If it cannot load (a model not fetched,
    the LLM server failing), every call is refused with that reason.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._task: asyncio.Task[LiveRuntime] | None = None

    def warm_up(self) -> None:
        """Start loading now, in the background."""
        self._loading()

    def _loading(self) -> asyncio.Task[LiveRuntime]:
        if self._task is None:
            self._task = asyncio.create_task(self._load(), name="live-runtime-load")
        return self._task

    async def _load(self) -> LiveRuntime:
        logger.info("loading the live-call pipeline (speech models and LLM)")
        runtime = await LiveRuntime.start(self._settings, progress=lambda m: logger.info("live calls: %s", m))
        logger.info("live calls ready")
        return runtime

    async def start(
        self, *, persona: Persona, session_dir: Path, start: StartMessage, downlink: Downlink
    ) -> CallSession:
        try:
            runtime = await asyncio.shield(self._loading())
        except Exception as error:
            raise SessionRejected(f"live calls are unavailable on this server: {error}") from None
        return await runtime.pipeline.start(
            persona=persona, session_dir=session_dir, start=start, downlink=downlink
        )

    def status(self) -> str:
        if self._task is None:
            return "idle"
        if not self._task.done():
            return "loading"
        if self._task.cancelled():
            return "unavailable: loading was cancelled"
        error = self._task.exception()
        return f"unavailable: {error}" if error is not None else "ready"

    async def aclose(self) -> None:
        """Release the models' LLM connection (and stop loading if still in progress)."""
        if self._task is None:
            return
        if not self._task.done():
            self._task.cancel()
        with contextlib.suppress(BaseException):
            runtime = await self._task
            await runtime.aclose()
        self._task = None
