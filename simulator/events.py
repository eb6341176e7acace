"""Buyer-brain events and the transcript file: the ground truth a call leaves behind.

Every decision the buyer brain takes (reveal a fact, raise or settle an
objection, lose trust, cut a reply, end the call) is recorded as one event. The
evaluator scores the rep against these events, the web app shows them, and the
live call writes them into ``transcript.json`` next to the turns.

Each event carries ``turn``: the 0-based index into the transcript's ``turns``
of the REP turn that caused it, or ``None`` for events caused by nothing the rep
said (a call ended by a silence timeout).

The evaluator parses the JSON itself and must not import this module; the
models therefore accept unknown extra fields, so new fields can be added without
breaking older readers (extend, never rename).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from personas.vocabulary import FactCategory, ObjectionCategory

GuardrailRule = Literal[
    "max_sentences",
    "max_words",
    "speaks_as_seller",
    "mentions_ai_or_instructions",
    "unearned_fact",
    "forbidden_agreement",
]
GuardrailAction = Literal["regenerated", "fallback", "truncated"]
"""``regenerated``: the reply was discarded before any of it was spoken and asked
for again; ``fallback``: replaced by an authored line; ``truncated`` (an
extension of the contract): clauses were already streamed, so the reply stops at
the last clean clause and the violating clause is never released."""
CallEndReason = Literal["agreed_next_step", "buyer_ended", "rep_ended"]


class _Event(BaseModel):
    """Fields every event has."""

    model_config = ConfigDict(extra="allow", frozen=True)

    turn: int | None = Field(
        ..., ge=0, description="Index of the rep turn that caused the event; None if none did."
    )


class FactRevealed(_Event):
    type: Literal["fact_revealed"] = "fact_revealed"
    fact: str
    category: FactCategory


class ObjectionRaised(_Event):
    type: Literal["objection_raised"] = "objection_raised"
    objection: str
    category: ObjectionCategory


class ObjectionResolved(_Event):
    type: Literal["objection_resolved"] = "objection_resolved"
    objection: str
    category: ObjectionCategory


class ObjectionEscalated(_Event):
    type: Literal["objection_escalated"] = "objection_escalated"
    objection: str
    category: ObjectionCategory


class TrustChanged(_Event):
    type: Literal["trust_changed"] = "trust_changed"
    trust: int = Field(..., ge=0, le=100, description="Trust after the change.")
    delta: int
    reason: str = Field(..., description="Machine-readable cause, e.g. good_open_question.")


class GuardrailViolation(_Event):
    type: Literal["guardrail_violation"] = "guardrail_violation"
    rule: GuardrailRule
    action: GuardrailAction


class CallEnded(_Event):
    type: Literal["call_ended"] = "call_ended"
    reason: CallEndReason


BrainEvent = Annotated[
    FactRevealed
    | ObjectionRaised
    | ObjectionResolved
    | ObjectionEscalated
    | TrustChanged
    | GuardrailViolation
    | CallEnded,
    Field(discriminator="type"),
]
"""Any buyer-brain event; parse JSON with :data:`EVENT_ADAPTER`."""

EVENT_ADAPTER: TypeAdapter[BrainEvent] = TypeAdapter(BrainEvent)


def event_to_json(event: BrainEvent) -> dict[str, Any]:
    """The JSON object for one event, ``type`` first (as in the contract)."""
    data = event.model_dump(mode="json")
    return {"type": data.pop("type"), **data}


class TranscriptTurn(BaseModel):
    """One utterance with its times in seconds from the start of the call."""

    model_config = ConfigDict(extra="allow")

    speaker: Literal["rep", "buyer"]
    start: float = Field(..., ge=0)
    end: float = Field(..., ge=0)
    text: str
    interrupted: bool | None = Field(
        None, description="True when the speaker was cut off (barge-in); absent otherwise."
    )


class Transcript(BaseModel):
    """``transcript.json``, version 1."""

    model_config = ConfigDict(extra="allow")

    version: Literal[1] = 1
    persona: str | None
    duration_s: float = Field(..., ge=0)
    turns: list[TranscriptTurn]
    events: list[BrainEvent]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict; ``interrupted`` is left out where it was never set."""
        turns = [turn.model_dump(mode="json", exclude_none=True) for turn in self.turns]
        return {
            "version": self.version,
            "persona": self.persona,
            "duration_s": self.duration_s,
            "turns": turns,
            "events": [event_to_json(event) for event in self.events],
        }
