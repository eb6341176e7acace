"""The closed vocabularies persona files refer to.

Persona rules name what the rep did ("an open question about budget", "a
pitch", "an acknowledgement") with the words below. The buyer brain's utterance
analysis produces exactly these words, so a persona file can be checked against
them when it is loaded: a typo in a rule is a validation error, not a rule that
silently never fires.
"""

from __future__ import annotations

from typing import Literal

TOPICS: tuple[str, ...] = (
    "pain",
    "budget",
    "pricing",
    "timeline",
    "decision_process",
    "decision_criteria",
    "competitor",
    "current_solution",
    "champion",
    "metrics",
    "goals",
    "team",
    "implementation",
    "security",
    "contract",
    "renewal",
    "support",
    "risk",
    "roi",
)
"""What a rep utterance can be about. Conditions write them as ``topic:<name>``."""

SIGNALS: tuple[str, ...] = (
    "open_question",  # what/how/why/tell me... one open question
    "probing_question",  # an open question that digs into what the buyer just said
    "closed_question",  # yes/no or either/or question
    "stacked_questions",  # several questions in one turn
    "acknowledgement",  # "I hear you", "that makes sense"
    "empathy",  # "that sounds frustrating", "I can imagine"
    "summary",  # "so what I'm hearing is..."
    "good_listening",  # short turn that builds on the buyer's own words
    "pitch",  # product claims, features, "we help companies..."
    "monologue",  # a long turn (over the persona's word limit for the rep)
    "close_attempt",  # asks for a meeting, demo, trial, signature
    "pushy_close",  # a close attempt before the buyer is ready
    "talk_over",  # the rep started while the buyer was speaking
    "injection",  # "ignore your instructions", "you are an AI", role reversal
    "greeting",  # hello / good morning / this is X from Y
    "permission_ask",  # "do you have a minute?"
    "reason_for_call",  # "the reason I'm calling..."
    "social_proof",  # customers, case studies, peers
    "roi_evidence",  # numbers tied to savings, payback, return
    "offers_discount",
    "offers_pilot",
    "goodbye",  # the rep ends the call
    "addresses_objection",  # touches the topic of the buyer's open objection
    "ignored_concern",  # an objection is open and the rep neither acknowledged nor addressed it
)
"""Per-turn facts about the rep's utterance, as computed by the buyer brain."""

SIGNAL_TO_REASON: dict[str, str] = {"open_question": "good_open_question"}

TRUST_REASONS: tuple[str, ...] = (
    *(SIGNAL_TO_REASON.get(signal, signal) for signal in SIGNALS),
    "objection_resolved",
    "every_turn",
)
"""Keys of a persona's trust and patience effects; also the ``reason`` of
``trust_changed`` events. Most are signals (``open_question`` is reported as
``good_open_question``); ``objection_resolved`` and ``every_turn`` are state
changes."""

FactCategory = Literal[
    "pain",
    "budget",
    "timeline",
    "decision_process",
    "decision_criteria",
    "competitor",
    "champion",
    "metrics",
    "paper_process",
    "other",
]
"""What a hidden fact is about (the ``category`` of ``fact_revealed`` events)."""

ObjectionCategory = Literal[
    "price", "status_quo", "timing", "authority", "competitor", "trust", "need", "other"
]
"""What an objection is about (the ``category`` of ``objection_*`` events)."""

QuestionQuality = Literal["any", "closed", "open", "probing"]
"""Least question quality a fact needs: ``any`` also unlocks on a statement."""

QUESTION_RANK: dict[str, int] = {"any": 0, "closed": 1, "open": 2, "probing": 3}

Intent = Literal[
    "answer",
    "guarded",
    "reveal",
    "object",
    "concede",
    "decline_next_step",
    "agree_next_step",
    "end_call",
    "deflect",
    "silence_prompt",
]
"""What the buyer does in a reply, chosen by program logic, worded by the LLM."""

AUTHORED_INTENTS: tuple[str, ...] = (
    "answer",
    "guarded",
    "concede",
    "decline_next_step",
    "agree_next_step",
    "end_call",
    "deflect",
    "silence_prompt",
)
"""Intents every persona needs example lines for; ``reveal`` and ``object`` use
the fact's and the objection's own authored lines."""

SKILLS: tuple[str, ...] = (
    "discovery",
    "objection_handling",
    "building_urgency",
    "next_steps",
    "conversation_control",
    "storytelling",
    "active_listening",
    "value_selling",
    "negotiation",
    "qualification",
    "rapport",
)


def is_condition(word: str) -> bool:
    """True for a signal name or ``topic:<known topic>``."""
    if word.startswith("topic:"):
        return word.removeprefix("topic:") in TOPICS
    return word in SIGNALS
