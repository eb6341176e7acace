"""The embedded call transport: one WebSocket connection per practice call.

Framework-agnostic core (:class:`CallSessionHandler` over the four-method
:class:`CallConnection`), adapters for Starlette and ``websockets``, and a
tiny standalone server. The protocol is documented in ``docs/call-protocol.md``.
"""

from simulator.transport.connection import (
    CallConnection,
    ConnectionClosed,
    StarletteConnection,
    WebsocketsConnection,
)
from simulator.transport.handler import (
    CallSession,
    CallSessionHandler,
    Downlink,
    SessionRejected,
    SessionStarter,
)
from simulator.transport.protocol import ErrorCode, ProtocolError, StartMessage

__all__ = [
    "CallConnection",
    "CallSession",
    "CallSessionHandler",
    "ConnectionClosed",
    "Downlink",
    "ErrorCode",
    "ProtocolError",
    "SessionRejected",
    "SessionStarter",
    "StarletteConnection",
    "StartMessage",
    "WebsocketsConnection",
]
