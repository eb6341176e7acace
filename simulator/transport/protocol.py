"""The embedded call protocol: message shapes, audio framing and error codes.

One WebSocket connection carries one practice call. Audio travels as binary
messages (raw PCM16 little-endian mono), control and events as JSON text
messages. ``docs/call-protocol.md`` is the human-readable reference; this module
is the executable one, and the two must agree (a test checks the constants the
document quotes).

Validation is strict on purpose: a browser worklet that sends 44.1 kHz frames or
a script that floods the server should fail loudly at the first bad message,
with a specific code, instead of producing a garbled recording.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

PROTOCOL_VERSION = 1
INPUT_SAMPLE_RATE = 16_000
"""Rep microphone audio, client to server (Hz)."""
OUTPUT_SAMPLE_RATE = 16_000
"""Buyer audio, server to client (Hz); also announced in the ``ready`` message."""
FRAME_MS = 20
"""Every uplink binary message is exactly one frame of this length."""
SAMPLE_WIDTH = 2
INPUT_FRAME_BYTES = INPUT_SAMPLE_RATE * FRAME_MS // 1000 * SAMPLE_WIDTH
"""640 bytes: 320 PCM16 samples."""
MAX_TEXT_BYTES = 8 * 1024
"""Largest accepted JSON control message."""
START_TIMEOUT_S = 10.0
"""The ``start`` message must arrive within this many seconds of connecting."""
REALTIME_BURST_S = 1.0
"""How far ahead of the wall clock a sender may get (network jitter) before it
counts as sending faster than real time."""


class ErrorCode(str, Enum):
    """Why the server ended a session; sent in the ``error`` message before closing."""

    EXPECTED_START = "expected_start"
    START_TIMEOUT = "start_timeout"
    INVALID_JSON = "invalid_json"
    UNKNOWN_MESSAGE = "unknown_message"
    INVALID_MESSAGE = "invalid_message"
    UNEXPECTED_MESSAGE = "unexpected_message"
    MESSAGE_TOO_LARGE = "message_too_large"
    BAD_FRAME_SIZE = "bad_frame_size"
    FRAME_TOO_LARGE = "frame_too_large"
    TOO_FAST = "too_fast"
    UNSUPPORTED_PROTOCOL = "unsupported_protocol"
    SESSION_REJECTED = "session_rejected"
    INTERNAL_ERROR = "internal_error"


CLOSE_NORMAL = 1000
CLOSE_UNSUPPORTED_DATA = 1003
CLOSE_POLICY_VIOLATION = 1008
CLOSE_MESSAGE_TOO_BIG = 1009
CLOSE_INTERNAL_ERROR = 1011

CLOSE_CODES: dict[ErrorCode, int] = {
    ErrorCode.EXPECTED_START: CLOSE_POLICY_VIOLATION,
    ErrorCode.START_TIMEOUT: CLOSE_POLICY_VIOLATION,
    ErrorCode.INVALID_JSON: CLOSE_UNSUPPORTED_DATA,
    ErrorCode.UNKNOWN_MESSAGE: CLOSE_POLICY_VIOLATION,
    ErrorCode.INVALID_MESSAGE: CLOSE_POLICY_VIOLATION,
    ErrorCode.UNEXPECTED_MESSAGE: CLOSE_POLICY_VIOLATION,
    ErrorCode.MESSAGE_TOO_LARGE: CLOSE_MESSAGE_TOO_BIG,
    ErrorCode.BAD_FRAME_SIZE: CLOSE_UNSUPPORTED_DATA,
    ErrorCode.FRAME_TOO_LARGE: CLOSE_MESSAGE_TOO_BIG,
    ErrorCode.TOO_FAST: CLOSE_POLICY_VIOLATION,
    ErrorCode.UNSUPPORTED_PROTOCOL: CLOSE_POLICY_VIOLATION,
    ErrorCode.SESSION_REJECTED: CLOSE_POLICY_VIOLATION,
    ErrorCode.INTERNAL_ERROR: CLOSE_INTERNAL_ERROR,
}


class ProtocolError(Exception):
    """A client broke the protocol; the session ends with this code and message."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code
        self.message = message

    @property
    def close_code(self) -> int:
        return CLOSE_CODES[self.code]


# --- client -> server messages ---------------------------------------------------


class _ClientMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StartMessage(_ClientMessage):
    """First message of every connection: which persona to call and how."""

    type: Literal["start"]
    protocol: int = Field(PROTOCOL_VERSION, description="Protocol version the client speaks.")
    persona: str = Field(..., min_length=1, max_length=128, description="Persona id.")
    scenario: str | None = Field(
        None, max_length=2000, description="Scenario id or short text the session passes on."
    )
    user: str | None = Field(None, max_length=200, description="Opaque caller label for records.")


class PlayoutMessage(_ClientMessage):
    """How far the client has played the current buyer segment."""

    type: Literal["playout"]
    segment: int = Field(..., ge=0)
    position_s: float = Field(..., ge=0, le=3600)


class EndMessage(_ClientMessage):
    """The rep hangs up."""

    type: Literal["end"]


ClientMessage = Annotated[StartMessage | PlayoutMessage | EndMessage, Field(discriminator="type")]
_CLIENT_ADAPTER: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
CLIENT_MESSAGE_TYPES = ("start", "playout", "end")


def parse_client_text(text: str) -> StartMessage | PlayoutMessage | EndMessage:
    """Parse one text message, raising :class:`ProtocolError` with a precise reason."""
    size = len(text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise ProtocolError(
            ErrorCode.MESSAGE_TOO_LARGE,
            f"text message of {size} bytes exceeds the {MAX_TEXT_BYTES}-byte limit",
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProtocolError(
            ErrorCode.INVALID_JSON,
            f"text messages must be JSON objects; got invalid JSON ({error.msg} at "
            f"character {error.pos}). Audio must be sent as binary PCM16 frames.",
        ) from None
    if not isinstance(data, dict):
        raise ProtocolError(
            ErrorCode.INVALID_JSON, f"text messages must be JSON objects, got {type(data).__name__}"
        )
    kind = data.get("type")
    if kind not in CLIENT_MESSAGE_TYPES:
        raise ProtocolError(
            ErrorCode.UNKNOWN_MESSAGE,
            f"unknown message type {kind!r}; expected one of {', '.join(CLIENT_MESSAGE_TYPES)}",
        )
    try:
        return _CLIENT_ADAPTER.validate_python(data)
    except ValidationError as error:
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, f"'{kind}' message: {_describe(error)}"
        ) from None


def _describe(error: ValidationError) -> str:
    """One line per problem: ``field: what was expected``."""
    parts = []
    for item in error.errors():
        location = ".".join(str(p) for p in item["loc"][1:]) or "message"
        parts.append(f"{location}: {item['msg']}")
    return "; ".join(parts)


def check_audio_frame(data: bytes) -> None:
    """Reject a binary message that is not exactly one 20 ms PCM16 16 kHz frame."""
    size = len(data)
    if size > INPUT_FRAME_BYTES:
        raise ProtocolError(
            ErrorCode.FRAME_TOO_LARGE,
            f"binary frame of {size} bytes is larger than one {FRAME_MS} ms frame "
            f"({INPUT_FRAME_BYTES} bytes of PCM16 mono at {INPUT_SAMPLE_RATE} Hz)",
        )
    if size != INPUT_FRAME_BYTES:
        raise ProtocolError(
            ErrorCode.BAD_FRAME_SIZE,
            f"binary frame of {size} bytes; every frame must be exactly {INPUT_FRAME_BYTES} "
            f"bytes ({FRAME_MS} ms of PCM16 mono at {INPUT_SAMPLE_RATE} Hz)",
        )


class RealtimeGuard:
    """Detects a sender pushing audio faster than real time.

    A real microphone produces audio at exactly 1x; a client may bunch frames
    after a network stall, so up to ``burst_s`` of lead over the wall clock is
    tolerated. Anything beyond that would make the server buffer unbounded audio
    and desynchronise the recording, so it ends the session.
    """

    def __init__(self, *, frame_s: float = FRAME_MS / 1000, burst_s: float = REALTIME_BURST_S):
        self._frame_s = frame_s
        self._burst_s = burst_s
        self._first_at: float | None = None
        self._received_s = 0.0

    @property
    def received_s(self) -> float:
        """Seconds of audio received so far."""
        return self._received_s

    def admit(self, now: float) -> None:
        """Count one frame arriving at monotonic time ``now``; raise if too far ahead."""
        if self._first_at is None:
            self._first_at = now - self._frame_s
        self._received_s += self._frame_s
        lead = self._received_s - (now - self._first_at)
        if lead > self._burst_s:
            raise ProtocolError(
                ErrorCode.TOO_FAST,
                f"received {self._received_s:.2f} s of audio in {now - self._first_at:.2f} s; "
                f"audio must be streamed in real time (at most {self._burst_s:.1f} s ahead)",
            )


# --- server -> client messages ----------------------------------------------------


def ready_message(session_id: str, persona: str) -> dict[str, Any]:
    """Sent once the session is built; the client may start streaming audio."""
    return {
        "type": "ready",
        "protocol": PROTOCOL_VERSION,
        "session_id": session_id,
        "persona": persona,
        "input": _audio_format(INPUT_SAMPLE_RATE),
        "output": _audio_format(OUTPUT_SAMPLE_RATE),
    }


def _audio_format(rate: int) -> dict[str, Any]:
    return {
        "encoding": "pcm_s16le",
        "sample_rate": rate,
        "channels": 1,
        "frame_ms": FRAME_MS,
        "frame_bytes": rate * FRAME_MS // 1000 * SAMPLE_WIDTH,
    }


def error_message(error: ProtocolError) -> dict[str, Any]:
    return {"type": "error", "code": error.code.value, "message": error.message}


def transcript_message(speaker: str, text: str, *, final: bool, turn: int | None) -> dict[str, Any]:
    return {"type": "transcript", "speaker": speaker, "text": text, "final": final, "turn": turn}


def buyer_speaking_message(segment: int) -> dict[str, Any]:
    return {"type": "buyer_speaking", "segment": segment}


def buyer_stopped_message(segment: int, *, interrupted: bool, position_s: float) -> dict[str, Any]:
    return {
        "type": "buyer_stopped",
        "segment": segment,
        "interrupted": interrupted,
        "position_s": round(position_s, 3),
    }


def clear_message(segment: int) -> dict[str, Any]:
    return {"type": "clear", "segment": segment}


def event_message(event: dict[str, Any]) -> dict[str, Any]:
    return {"type": "event", "event": event}


def metrics_message(metrics: dict[str, Any]) -> dict[str, Any]:
    return {"type": "metrics", **metrics}


def ended_message(reason: str, *, complete: bool = True) -> dict[str, Any]:
    return {"type": "ended", "reason": reason, "complete": complete}
