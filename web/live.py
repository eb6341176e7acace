"""The seam between the web app and the live voice call (``simulator``).

The call protocol itself (handshake, validation, audio framing) is
``simulator.transport.CallSessionHandler``; the web app only adds what it owns:
who is calling, which call record this is, where its files go, and turning
those files into a scored session when the call ends. A :class:`LiveBackend`
builds the voice session for one call; :func:`default_backend` returns the
simulator's livekit-agents pipeline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fastapi.concurrency import run_in_threadpool

from personas import Persona
from simulator.transport.handler import CallSession, Downlink, SessionRejected
from simulator.transport.protocol import StartMessage

logger = logging.getLogger("web.live")


class LiveBackend(Protocol):
    """Builds and starts the voice session of one call."""

    async def start(
        self, *, persona: Persona, session_dir: Path, start: StartMessage, downlink: Downlink
    ) -> CallSession:
        """A running session that writes its files into ``session_dir``."""
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


class UnavailableBackend:
    """Used when the voice pipeline cannot be built; every call is refused with the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def start(
        self, *, persona: Persona, session_dir: Path, start: StartMessage, downlink: Downlink
    ) -> CallSession:
        raise SessionRejected(f"live calls are unavailable on this server: {self.reason}")


def default_backend(settings: object) -> LiveBackend:
    """The simulator's voice pipeline, or a backend that refuses calls and says why."""
    return UnavailableBackend("the voice pipeline (simulator.live) is not wired in yet")
