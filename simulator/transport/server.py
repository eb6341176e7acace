"""A tiny standalone WebSocket server for the call protocol (no web app needed).

``simulate``, ``bench latency`` and the tests run calls through this server; the
web app mounts the same :class:`CallSessionHandler` on Starlette instead. It
serves one path (``/ws/call``, like the web app) and nothing else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from websockets.asyncio.server import Server, ServerConnection, serve

from simulator.transport.connection import WebsocketsConnection
from simulator.transport.handler import CallSessionHandler
from simulator.transport.protocol import CLOSE_POLICY_VIOLATION

CALL_PATH = "/ws/call"
MAX_MESSAGE_BYTES = 1 << 20
"""Library-level cap; anything between a frame and this gets the protocol's own error."""


@dataclass(frozen=True)
class CallServer:
    """A running standalone server."""

    server: Server
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}{CALL_PATH}"


@asynccontextmanager
async def serve_calls(
    handler: CallSessionHandler, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[CallServer]:
    """Serve calls until the context exits; ``port=0`` picks a free port."""

    async def on_connect(websocket: ServerConnection) -> None:
        if websocket.request is None or websocket.request.path != CALL_PATH:
            await websocket.close(CLOSE_POLICY_VIOLATION, f"only {CALL_PATH} is served")
            return
        await handler.run(WebsocketsConnection(websocket))

    async with serve(on_connect, host, port, max_size=MAX_MESSAGE_BYTES) as server:
        bound_port = next(iter(server.sockets)).getsockname()[1]
        yield CallServer(server=server, host=host, port=bound_port)
