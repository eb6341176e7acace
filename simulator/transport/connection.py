"""The seam between the call handler and a WebSocket library.

:class:`CallConnection` is the four-method surface the handler needs. The web
app mounts the handler on Starlette (``StarletteConnection``); the standalone
server used by ``simulate``, the benchmark and the tests runs on the
``websockets`` library (``WebsocketsConnection``). Both raise
:class:`ConnectionClosed` when the peer goes away, so the handler never sees a
library-specific exception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from starlette.websockets import WebSocket
    from websockets.asyncio.connection import Connection


class ConnectionClosed(Exception):
    """The peer closed the connection (or it dropped)."""


class CallConnection(Protocol):
    """What the call handler needs from a WebSocket."""

    async def receive(self) -> bytes | str:
        """Next message: ``bytes`` for binary, ``str`` for text; raises ConnectionClosed."""
        ...

    async def send_bytes(self, data: bytes) -> None: ...

    async def send_text(self, text: str) -> None: ...

    async def close(self, code: int, reason: str) -> None: ...


class WebsocketsConnection:
    """Adapter for a ``websockets`` (>= 13, asyncio API) connection."""

    def __init__(self, websocket: Connection) -> None:
        self._ws = websocket

    async def receive(self) -> bytes | str:
        from websockets.exceptions import ConnectionClosed as _Closed

        try:
            return await self._ws.recv()
        except _Closed as error:
            raise ConnectionClosed(str(error)) from None

    async def send_bytes(self, data: bytes) -> None:
        await self._send(data)

    async def send_text(self, text: str) -> None:
        await self._send(text)

    async def _send(self, data: bytes | str) -> None:
        from websockets.exceptions import ConnectionClosed as _Closed

        try:
            await self._ws.send(data)
        except _Closed as error:
            raise ConnectionClosed(str(error)) from None

    async def close(self, code: int, reason: str) -> None:
        await self._ws.close(code, reason[:120])


class StarletteConnection:
    """Adapter for an accepted ``starlette.websockets.WebSocket``."""

    def __init__(self, websocket: WebSocket) -> None:
        self._ws = websocket

    async def receive(self) -> bytes | str:
        message = await self._ws.receive()
        if message["type"] == "websocket.disconnect":
            raise ConnectionClosed(f"client disconnected (code {message.get('code')})")
        if message.get("bytes") is not None:
            return bytes(message["bytes"])
        text = message.get("text")
        if text is None:
            raise ConnectionClosed(f"unexpected ASGI message {message['type']!r}")
        return str(text)

    async def send_bytes(self, data: bytes) -> None:
        await self._guarded(self._ws.send_bytes(data))

    async def send_text(self, text: str) -> None:
        await self._guarded(self._ws.send_text(text))

    async def _guarded(self, sending) -> None:  # type: ignore[no-untyped-def]
        from starlette.websockets import WebSocketDisconnect

        try:
            await sending
        except (WebSocketDisconnect, RuntimeError) as error:
            # Starlette raises RuntimeError when sending after the socket closed.
            raise ConnectionClosed(str(error)) from None

    async def close(self, code: int, reason: str) -> None:
        try:
            await self._ws.close(code, reason[:120])
        except RuntimeError:
            pass  # already closed by the peer
