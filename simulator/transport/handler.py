"""One WebSocket connection = one call: handshake, validation, routing, shutdown.

:class:`CallSessionHandler` knows the protocol and nothing about speech. What
runs behind it is a :class:`CallSession` built by a :class:`SessionStarter`: the
livekit-agents pipeline (``simulator.live``) or the naive baseline used by the
latency benchmark. A protocol error ends only the offending session, after an
``error`` message naming the problem; other sessions on the same server are
untouched because nothing is shared between handler runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any, Protocol

from simulator.transport.connection import CallConnection, ConnectionClosed
from simulator.transport.protocol import (
    CLOSE_NORMAL,
    PROTOCOL_VERSION,
    START_TIMEOUT_S,
    EndMessage,
    ErrorCode,
    PlayoutMessage,
    ProtocolError,
    RealtimeGuard,
    StartMessage,
    check_audio_frame,
    ended_message,
    error_message,
    parse_client_text,
    ready_message,
)

logger = logging.getLogger("simulator.transport")

MAX_QUEUED_OUTBOUND = 2_000
"""Outbound messages allowed to queue (about 40 s of 20 ms audio frames). A client
that stops reading for that long is dropped rather than buffered forever."""


class SessionRejected(Exception):
    """The starter refused the ``start`` message (unknown persona, server full)."""


class Downlink:
    """Ordered outbound queue drained by one writer task.

    Audio frames and JSON messages share the queue, so a ``clear`` can never
    overtake the audio it clears, and no two coroutines write to the socket at
    once (Starlette does not allow concurrent sends).
    """

    def __init__(self, connection: CallConnection, *, max_queued: int = MAX_QUEUED_OUTBOUND):
        self._connection = connection
        self._queue: asyncio.Queue[bytes | str | None] = asyncio.Queue()
        self._max_queued = max_queued
        self._closed = False
        self._overflowed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def send_audio(self, pcm: bytes) -> None:
        """Queue one PCM16 frame of buyer audio."""
        self._put(pcm)

    def send_json(self, message: dict[str, Any]) -> None:
        """Queue one JSON control or event message."""
        self._put(json.dumps(message, separators=(",", ":")))

    def _put(self, item: bytes | str) -> None:
        if self._closed:
            return
        if self._queue.qsize() >= self._max_queued:
            self._overflowed = True
            self._closed = True
            self._queue.put_nowait(None)
            return
        self._queue.put_nowait(item)

    def finish(self) -> None:
        """No more messages; the writer stops after sending what is queued."""
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(None)

    async def run(self) -> None:
        """Writer loop; returns after :meth:`finish` or when the peer goes away."""
        while True:
            item = await self._queue.get()
            if item is None:
                if self._overflowed:
                    raise ConnectionClosed("client is not reading; outbound queue overflowed")
                return
            if isinstance(item, bytes):
                await self._connection.send_bytes(item)
            else:
                await self._connection.send_text(item)


class CallSession(Protocol):
    """A call running behind the transport."""

    session_id: str

    def push_audio(self, frame: bytes) -> None:
        """One validated 20 ms PCM16 16 kHz frame of rep audio (called in real time)."""
        ...

    def on_playout(self, segment: int, position_s: float) -> None:
        """The client's report of how far it has played buyer segment ``segment``."""
        ...

    async def run(self) -> str:
        """Run until the call ends by itself (e.g. the buyer hangs up); return the reason."""
        ...

    async def end(self, reason: str) -> bool:
        """Stop the call and finish its files; idempotent. Returns True if they are complete."""
        ...


class SessionStarter(Protocol):
    """Builds a session for a validated ``start``; raises SessionRejected to refuse."""

    async def __call__(self, start: StartMessage, downlink: Downlink) -> CallSession: ...


class CallSessionHandler:
    """Runs the protocol for one connection at a time; reusable across connections."""

    def __init__(self, starter: SessionStarter, *, start_timeout_s: float = START_TIMEOUT_S):
        self._starter = starter
        self._start_timeout_s = start_timeout_s

    async def run(self, connection: CallConnection) -> None:
        """Serve one call on ``connection`` until it ends; never raises for client faults."""
        downlink = Downlink(connection)
        writer = asyncio.create_task(downlink.run(), name="call-downlink")
        session: CallSession | None = None
        close_code, close_reason = CLOSE_NORMAL, "call ended"
        try:
            start = await self._receive_start(connection)
            try:
                session = await self._starter(start, downlink)
            except SessionRejected as error:
                raise ProtocolError(ErrorCode.SESSION_REJECTED, str(error)) from None
            downlink.send_json(ready_message(session.session_id, start.persona))
            reason = await self._serve(connection, session, writer)
            complete = await session.end(reason)
            downlink.send_json(ended_message(reason, complete=complete))
        except ProtocolError as error:
            logger.info("session %s ended by protocol error: %s", _sid(session), error)
            if session is not None:
                await session.end("protocol_error")
            downlink.send_json(error_message(error))
            close_code, close_reason = error.close_code, error.code.value
        except ConnectionClosed:
            logger.info("session %s: client disconnected", _sid(session))
            if session is not None:
                await session.end("disconnected")
        except Exception:
            logger.exception("session %s failed", _sid(session))
            if session is not None:
                with contextlib.suppress(Exception):
                    await session.end("internal_error")
            internal = ProtocolError(ErrorCode.INTERNAL_ERROR, "the server failed; see its log")
            downlink.send_json(error_message(internal))
            close_code, close_reason = internal.close_code, internal.code.value
        finally:
            downlink.finish()
            with contextlib.suppress(ConnectionClosed, asyncio.TimeoutError):
                await asyncio.wait_for(writer, timeout=5.0)
            writer.cancel()
            with contextlib.suppress(Exception):
                await connection.close(close_code, close_reason)

    async def _receive_start(self, connection: CallConnection) -> StartMessage:
        try:
            raw = await asyncio.wait_for(connection.receive(), timeout=self._start_timeout_s)
        except TimeoutError:
            raise ProtocolError(
                ErrorCode.START_TIMEOUT,
                f"no 'start' message within {self._start_timeout_s:.0f} s of connecting",
            ) from None
        if isinstance(raw, bytes):
            raise ProtocolError(
                ErrorCode.EXPECTED_START,
                f"the first message must be a JSON 'start' text message, got {len(raw)} binary bytes",
            )
        message = parse_client_text(raw)
        if not isinstance(message, StartMessage):
            raise ProtocolError(
                ErrorCode.EXPECTED_START,
                f"the first message must be 'start', got '{message.type}'",
            )
        if message.protocol != PROTOCOL_VERSION:
            raise ProtocolError(
                ErrorCode.UNSUPPORTED_PROTOCOL,
                f"protocol {message.protocol} is not supported; this server speaks {PROTOCOL_VERSION}",
            )
        return message

    async def _serve(
        self, connection: CallConnection, session: CallSession, writer: asyncio.Task[None]
    ) -> str:
        """Race the client reader against the session; the first to finish ends the call.

        The downlink writer is watched too: if it stops (the client vanished or
        stopped reading) the call is over.
        """
        reader = asyncio.create_task(self._read(connection, session), name="call-reader")
        runner = asyncio.create_task(session.run(), name="call-session")
        try:
            done, _ = await asyncio.wait(
                {reader, runner, writer}, return_when=asyncio.FIRST_COMPLETED
            )
            if writer in done:
                writer.result()  # re-raises ConnectionClosed
                raise ConnectionClosed("downlink stopped")
            finished = reader if reader in done else runner
            return finished.result()
        finally:
            for task in (reader, runner):
                task.cancel()
            await asyncio.gather(reader, runner, return_exceptions=True)

    async def _read(self, connection: CallConnection, session: CallSession) -> str:
        guard = RealtimeGuard()
        while True:
            raw = await connection.receive()
            if isinstance(raw, bytes):
                check_audio_frame(raw)
                guard.admit(time.monotonic())
                session.push_audio(raw)
                continue
            message = parse_client_text(raw)
            if isinstance(message, PlayoutMessage):
                session.on_playout(message.segment, message.position_s)
            elif isinstance(message, EndMessage):
                return "rep_ended"
            else:
                raise ProtocolError(
                    ErrorCode.UNEXPECTED_MESSAGE, "'start' was already received for this session"
                )


def _sid(session: CallSession | None) -> str:
    return session.session_id if session is not None else "(not started)"
