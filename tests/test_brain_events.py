"""The event and transcript contract (simulator/events.py)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from simulator.events import (
    EVENT_ADAPTER,
    CallEnded,
    FactRevealed,
    GuardrailViolation,
    Transcript,
    TranscriptTurn,
    TrustChanged,
    event_to_json,
)


def test_event_json_has_type_and_turn_first_and_round_trips() -> None:
    event = FactRevealed(turn=3, fact="late_deliveries", category="pain")
    data = event_to_json(event)
    assert data == {
        "type": "fact_revealed",
        "turn": 3,
        "fact": "late_deliveries",
        "category": "pain",
    }
    assert list(data)[:2] == ["type", "turn"]
    assert EVENT_ADAPTER.validate_python(data) == event


def test_parsing_tolerates_unknown_fields_and_rejects_bad_values() -> None:
    parsed = EVENT_ADAPTER.validate_python(
        {"type": "trust_changed", "turn": 1, "trust": 40, "delta": 5, "reason": "empathy", "x": 1}
    )
    assert isinstance(parsed, TrustChanged) and parsed.trust == 40
    with pytest.raises(ValidationError):
        EVENT_ADAPTER.validate_python(
            {"type": "trust_changed", "turn": 1, "trust": 140, "delta": 5, "reason": "x"}
        )
    with pytest.raises(ValidationError):
        EVENT_ADAPTER.validate_python(
            {"type": "guardrail_violation", "turn": 1, "rule": "rude", "action": "fallback"}
        )
    with pytest.raises(ValidationError):
        EVENT_ADAPTER.validate_python({"type": "no_such_event", "turn": 1})


def test_call_ended_without_a_rep_turn() -> None:
    assert event_to_json(CallEnded(turn=None, reason="buyer_ended")) == {
        "type": "call_ended", "turn": None, "reason": "buyer_ended"
    }  # fmt: skip


def test_transcript_file_shape() -> None:
    transcript = Transcript(
        persona="roi-cfo",
        duration_s=12.5,
        turns=[
            TranscriptTurn(speaker="buyer", start=0.0, end=1.2, text="Marcus Feld."),
            TranscriptTurn(speaker="rep", start=1.5, end=4.0, text="Hi Marcus", interrupted=True),
        ],
        events=[GuardrailViolation(turn=1, rule="max_words", action="truncated")],
    )
    data = transcript.to_json()
    assert data["version"] == 1 and data["persona"] == "roi-cfo"
    assert "interrupted" not in data["turns"][0] and data["turns"][1]["interrupted"] is True
    assert data["events"] == [
        {"type": "guardrail_violation", "turn": 1, "rule": "max_words", "action": "truncated"}
    ]
    assert Transcript.model_validate(data).to_json() == data
