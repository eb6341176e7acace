"""The call protocol: message validation and the handler's handshake, errors and shutdown.

The handler is driven through an in-memory connection and a recording session
(a test double for the speech pipeline: these tests are about the protocol
logic); the Starlette adapter is exercised through Starlette's real WebSocket
test client. The end-to-end tests with real models are in test_live_call.py.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from simulator.transport.connection import ConnectionClosed, StarletteConnection
from simulator.transport.handler import CallSessionHandler, Downlink, SessionRejected
from simulator.transport.protocol import (
    INPUT_FRAME_BYTES,
    MAX_TEXT_BYTES,
    ErrorCode,
    ProtocolError,
    RealtimeGuard,
    StartMessage,
    check_audio_frame,
    parse_client_text,
)

FRAME = bytes(INPUT_FRAME_BYTES)
START = json.dumps({"type": "start", "persona": "busy-exec-cold-call"})
DOC = Path(__file__).resolve().parents[1] / "docs" / "call-protocol.md"


class MemoryConnection:
    """A WebSocket stand-in: the test feeds ``inbox``; ``None`` is the client going away."""

    def __init__(self, *messages: bytes | str | None) -> None:
        self.inbox: asyncio.Queue[bytes | str | None] = asyncio.Queue()
        for message in messages:
            self.inbox.put_nowait(message)
        self.sent: list[dict | bytes] = []
        self.closed: tuple[int, str] | None = None

    async def receive(self) -> bytes | str:
        item = await self.inbox.get()
        if item is None:
            raise ConnectionClosed("client went away")
        return item

    async def send_bytes(self, data: bytes) -> None:
        self.sent.append(data)

    async def send_text(self, text: str) -> None:
        self.sent.append(json.loads(text))

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)

    def messages(self, kind: str) -> list[dict]:
        return [m for m in self.sent if isinstance(m, dict) and m["type"] == kind]


class RecordingSession:
    """Records what the handler routes to it; runs until ended."""

    def __init__(self) -> None:
        self.session_id = "test-session"
        self.frames: list[bytes] = []
        self.playout: list[tuple[int, float]] = []
        self.ended: str | None = None

    def push_audio(self, frame: bytes) -> None:
        self.frames.append(frame)

    def on_playout(self, segment: int, position_s: float) -> None:
        self.playout.append((segment, position_s))

    async def run(self) -> str:
        await asyncio.Event().wait()
        return "never"

    async def end(self, reason: str) -> bool:
        self.ended = reason
        return True


class Starter:
    def __init__(self, reject: str | None = None) -> None:
        self.reject = reject
        self.sessions: list[RecordingSession] = []
        self.starts: list[StartMessage] = []

    async def __call__(self, start: StartMessage, downlink: Downlink) -> RecordingSession:
        self.starts.append(start)
        if self.reject:
            raise SessionRejected(self.reject)
        session = RecordingSession()
        self.sessions.append(session)
        return session


async def serve(*messages: bytes | str | None, starter: Starter | None = None, **options: float):
    starter = starter or Starter()
    connection = MemoryConnection(*messages)
    await asyncio.wait_for(CallSessionHandler(starter, **options).run(connection), timeout=10)
    return connection, starter


def error_of(connection: MemoryConnection) -> dict:
    (error,) = connection.messages("error")
    return error


# --- message parsing ---------------------------------------------------------------


def test_start_message_parses_with_defaults() -> None:
    message = parse_client_text(START)
    assert isinstance(message, StartMessage)
    assert message.persona == "busy-exec-cold-call" and message.protocol == 1


@pytest.mark.parametrize(
    ("text", "code", "mentions"),
    [
        ("not json", ErrorCode.INVALID_JSON, "binary PCM16"),
        ("[1, 2]", ErrorCode.INVALID_JSON, "list"),
        ('{"type": "dance"}', ErrorCode.UNKNOWN_MESSAGE, "'dance'"),
        ('{"persona": "x"}', ErrorCode.UNKNOWN_MESSAGE, "None"),
        ('{"type": "start"}', ErrorCode.INVALID_MESSAGE, "persona"),
        ('{"type": "start", "persona": "x", "colour": 1}', ErrorCode.INVALID_MESSAGE, "colour"),
        ('{"type": "playout", "segment": -1, "position_s": 0}', ErrorCode.INVALID_MESSAGE, "segment"),
        ('{"type": "playout", "segment": 0, "position_s": "soon"}', ErrorCode.INVALID_MESSAGE, "position_s"),
    ],
)
def test_bad_text_messages_get_a_specific_error(text: str, code: ErrorCode, mentions: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_text(text)
    assert caught.value.code is code
    assert mentions in caught.value.message


def test_oversized_text_message_is_rejected_before_parsing() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_text(json.dumps({"type": "start", "persona": "x" * MAX_TEXT_BYTES}))
    assert caught.value.code is ErrorCode.MESSAGE_TOO_LARGE


@pytest.mark.parametrize(
    ("size", "code"),
    [(0, ErrorCode.BAD_FRAME_SIZE), (639, ErrorCode.BAD_FRAME_SIZE), (641, ErrorCode.FRAME_TOO_LARGE),
     (65536, ErrorCode.FRAME_TOO_LARGE)],
)
def test_audio_frames_must_be_exactly_20_ms(size: int, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as caught:
        check_audio_frame(bytes(size))
    assert caught.value.code is code
    assert str(INPUT_FRAME_BYTES) in caught.value.message
    check_audio_frame(FRAME)  # the right size passes


def test_realtime_guard_allows_jitter_but_not_a_flood() -> None:
    guard = RealtimeGuard(burst_s=0.5)
    now = 100.0
    for _ in range(50):  # one second of frames at exactly real time
        now += 0.02
        guard.admit(now)
    for _ in range(20):  # a 0.4 s bunch after a stall: tolerated
        guard.admit(now)
    with pytest.raises(ProtocolError) as caught:
        for _ in range(20):
            guard.admit(now)
    assert caught.value.code is ErrorCode.TOO_FAST


# --- the handler ----------------------------------------------------------------------


async def test_a_good_session_gets_ready_audio_routing_and_a_clean_end() -> None:
    playout = json.dumps({"type": "playout", "segment": 0, "position_s": 0.5})
    connection, starter = await serve(START, FRAME, FRAME, playout, json.dumps({"type": "end"}))
    (ready,) = connection.messages("ready")
    assert ready["input"] == {"encoding": "pcm_s16le", "sample_rate": 16000, "channels": 1,
                              "frame_ms": 20, "frame_bytes": INPUT_FRAME_BYTES}
    session = starter.sessions[0]
    assert session.frames == [FRAME, FRAME]
    assert session.playout == [(0, 0.5)]
    assert session.ended == "rep_ended"
    assert connection.messages("ended") == [{"type": "ended", "reason": "rep_ended", "complete": True}]
    assert connection.closed == (1000, "call ended")


@pytest.mark.parametrize(
    ("messages", "code", "close_code"),
    [
        ((FRAME,), "expected_start", 1008),
        ((json.dumps({"type": "end"}),), "expected_start", 1008),
        (("hello",), "invalid_json", 1003),
        ((json.dumps({"type": "start", "persona": "x", "protocol": 2}),), "unsupported_protocol", 1008),
    ],
)
async def test_a_bad_first_message_is_refused_without_a_session(
    messages: tuple, code: str, close_code: int
) -> None:
    connection, starter = await serve(*messages)
    assert error_of(connection)["code"] == code
    assert connection.closed == (close_code, code)
    assert not starter.sessions


async def test_no_start_within_the_timeout() -> None:
    connection, _ = await serve(start_timeout_s=0.1)
    assert error_of(connection)["code"] == "start_timeout"


async def test_a_rejected_start_says_why() -> None:
    connection, _ = await serve(START, starter=Starter(reject="unknown persona 'x'; known: a, b"))
    error = error_of(connection)
    assert error == {"type": "error", "code": "session_rejected",
                     "message": "unknown persona 'x'; known: a, b"}


@pytest.mark.parametrize(
    ("bad", "code", "close_code"),
    [
        (bytes(333), "bad_frame_size", 1003),
        (bytes(8192), "frame_too_large", 1009),
        ("{oops", "invalid_json", 1003),
        (json.dumps({"type": "volume", "level": 3}), "unknown_message", 1008),
        (START, "unexpected_message", 1008),
    ],
)
async def test_a_protocol_error_mid_call_ends_that_session_with_its_code(
    bad: bytes | str, code: str, close_code: int
) -> None:
    connection, starter = await serve(START, FRAME, bad, FRAME)
    assert error_of(connection)["code"] == code
    assert connection.closed == (close_code, code)
    session = starter.sessions[0]
    assert session.ended == "protocol_error"
    assert session.frames == [FRAME]  # nothing after the bad message was routed


async def test_a_sender_faster_than_real_time_is_stopped() -> None:
    connection, starter = await serve(START, *([FRAME] * 150))  # 3 s of audio at once
    assert error_of(connection)["code"] == "too_fast"
    assert starter.sessions[0].ended == "protocol_error"


async def test_a_client_that_goes_away_ends_the_session() -> None:
    connection, starter = await serve(START, FRAME, None)
    assert starter.sessions[0].ended == "disconnected"
    assert not connection.messages("error")


def test_the_starlette_adapter_carries_the_protocol() -> None:
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.testclient import TestClient
    from starlette.websockets import WebSocket

    starter = Starter()

    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        await CallSessionHandler(starter).run(StarletteConnection(websocket))

    app = Starlette(routes=[WebSocketRoute("/ws/call", endpoint)])
    with TestClient(app).websocket_connect("/ws/call") as socket:
        socket.send_text(START)
        assert socket.receive_json()["type"] == "ready"
        socket.send_bytes(FRAME)
        socket.send_bytes(bytes(100))
        error = socket.receive_json()
        assert error["code"] == "bad_frame_size"
    assert starter.sessions[0].frames == [FRAME]
    assert starter.sessions[0].ended == "protocol_error"


def test_the_protocol_document_states_the_constants_and_every_error_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"{INPUT_FRAME_BYTES} bytes" in text
    missing = [code.value for code in ErrorCode if f"`{code.value}`" not in text]
    assert not missing, f"docs/call-protocol.md does not document: {missing}"
