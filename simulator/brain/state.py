"""The buyer's state and the rules that move it, one rep turn at a time.

This is the program logic the field notes call for: small models will not
decide when to object or reveal, so this module does, from the persona's rules
and the deterministic analysis of what the rep said. Every decision is recorded
as an event (:mod:`simulator.events`) carrying the rep turn that caused it; the
evaluator scores against exactly these events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personas.schema import Fact, Objection, Persona
from personas.vocabulary import SIGNAL_TO_REASON, TRUST_REASONS
from simulator.brain.analysis import UtteranceAnalysis
from simulator.events import (
    BrainEvent,
    CallEnded,
    CallEndReason,
    FactRevealed,
    ObjectionEscalated,
    ObjectionRaised,
    ObjectionResolved,
    TrustChanged,
)

DEFAULT_TRUST_EFFECTS: dict[str, int] = {
    "good_open_question": 4,
    "probing_question": 5,
    "stacked_questions": -2,
    "acknowledgement": 3,
    "empathy": 4,
    "summary": 4,
    "good_listening": 3,
    "pitch": -5,
    "monologue": -8,
    "ignored_concern": -8,
    "pushy_close": -10,
    "talk_over": -5,
    "injection": -5,
    "permission_ask": 3,
    "reason_for_call": 2,
    "social_proof": 2,
    "roi_evidence": 3,
    "objection_resolved": 8,
}
DEFAULT_PATIENCE_EFFECTS: dict[str, int] = {
    "every_turn": -2,
    "good_open_question": 2,
    "empathy": 3,
    "acknowledgement": 2,
    "stacked_questions": -3,
    "pitch": -6,
    "monologue": -15,
    "ignored_concern": -8,
    "pushy_close": -10,
    "talk_over": -8,
    "injection": -10,
}

CATEGORY_TOPICS: dict[str, tuple[str, ...]] = {
    "price": ("pricing", "roi", "budget"),
    "status_quo": ("current_solution", "pain", "metrics"),
    "timing": ("timeline", "goals"),
    "authority": ("decision_process", "champion"),
    "competitor": ("competitor", "current_solution"),
    "trust": ("risk", "support", "security"),
    "need": ("pain", "goals"),
    "other": (),
}
"""Topics that count as addressing an objection of each category."""


@dataclass
class BuyerState:
    """Everything the buyer remembers about the call so far (JSON-serialisable)."""

    trust: int
    patience: int
    revealed: list[str] = field(default_factory=list)
    open_objections: dict[str, int] = field(default_factory=dict)
    """Open objection id -> times escalated."""
    resolved: list[str] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)
    strikes: int = 0
    rep_turns: int = 0
    ended: CallEndReason | None = None

    @classmethod
    def initial(cls, persona: Persona) -> BuyerState:
        return cls(trust=persona.trust.initial, patience=persona.patience.initial)

    def to_json(self) -> dict[str, Any]:
        return {
            "trust": self.trust,
            "patience": self.patience,
            "revealed_facts": list(self.revealed),
            "open_objections": list(self.open_objections),
            "resolved_objections": list(self.resolved),
            "raised_objections": list(self.raised),
            "rep_turns": self.rep_turns,
            "ended": self.ended,
        }


@dataclass
class TurnOutcome:
    """What one rep turn changed, and what the buyer should do about it."""

    events: list[BrainEvent] = field(default_factory=list)
    raised: Objection | None = None
    escalated: Objection | None = None
    resolved: list[Objection] = field(default_factory=list)
    revealed: Fact | None = None
    ignored: Objection | None = None
    declined_close: bool = False
    agreed: bool = False
    ended: CallEndReason | None = None


def _clamp(value: int) -> int:
    return max(0, min(100, value))


class StateMachine:
    """Applies a persona's rules to its :class:`BuyerState`."""

    def __init__(self, persona: Persona) -> None:
        self.persona = persona
        self.trust_effects = {**DEFAULT_TRUST_EFFECTS, **persona.trust.effects}
        self.patience_effects = {**DEFAULT_PATIENCE_EFFECTS, **persona.patience.effects}

    def next_step_ready(self, state: BuyerState) -> bool:
        """All of the persona's conditions for agreeing to a next step hold."""
        rule = self.persona.end_conditions.next_step
        return (
            state.trust >= rule.min_trust
            and all(fact in state.revealed for fact in rule.requires_facts)
            and all(objection in state.resolved for objection in rule.requires_resolved)
            and not (rule.no_open_objections and state.open_objections)
        )

    def derive_signals(self, state: BuyerState, analysis: UtteranceAnalysis) -> None:
        """Add the signals that depend on the buyer's state to ``analysis``."""
        signals = analysis.signals
        for objection_id in state.open_objections:
            objection = self.persona.objection(objection_id)
            topics = set(CATEGORY_TOPICS[objection.category]) | {
                word.removeprefix("topic:")
                for word in (*objection.resolved_by.all_of, *objection.resolved_by.any_of)
                if word.startswith("topic:")
            }
            if topics & analysis.topics:
                signals.add("addresses_objection")
        if state.open_objections and not signals & {
            "acknowledgement",
            "empathy",
            "addresses_objection",
            "summary",
        }:
            signals.add("ignored_concern")
        if "close_attempt" in signals and not self.next_step_ready(state):
            signals.add("pushy_close")

    def apply(self, state: BuyerState, analysis: UtteranceAnalysis, turn: int) -> TurnOutcome:
        """Update ``state`` for one rep turn; returns the events and the decisions taken."""
        out = TurnOutcome()
        state.rep_turns += 1
        self.derive_signals(state, analysis)
        ignored = [self.persona.objection(o) for o in state.open_objections]
        if "ignored_concern" in analysis.signals and ignored:
            out.ignored = ignored[0]
        self._apply_effects(state, analysis, turn, out)
        if "goodbye" in analysis.signals:
            return self._end(state, "rep_ended", turn, out)
        if "injection" not in analysis.signals:
            self._update_objections(state, analysis, turn, out)
        if out.ended is None and self._hangs_up(state, analysis):
            self._end(state, "buyer_ended", turn, out)
        if out.ended is not None or "injection" in analysis.signals:
            return out
        if "close_attempt" in analysis.signals:
            if self.next_step_ready(state):
                out.agreed = True
                return self._end(state, "agreed_next_step", turn, out)
            out.declined_close = True
        if not state.open_objections and not out.declined_close:
            self._reveal(state, analysis, turn, out)
        return out

    def _change_trust(
        self, state: BuyerState, delta: int, reason: str, turn: int | None, out: TurnOutcome
    ) -> None:
        new = _clamp(state.trust + delta)
        if new != state.trust:
            out.events.append(
                TrustChanged(turn=turn, trust=new, delta=new - state.trust, reason=reason)
            )
            state.trust = new

    def _apply_effects(
        self, state: BuyerState, analysis: UtteranceAnalysis, turn: int, out: TurnOutcome
    ) -> None:
        reasons = [SIGNAL_TO_REASON.get(s, s) for s in sorted(analysis.signals)]
        reasons = [r for r in reasons if r in TRUST_REASONS]
        for reason in ["every_turn", *reasons]:
            delta = self.trust_effects.get(reason, 0)
            if delta:
                self._change_trust(state, delta, reason, turn, out)
            state.patience = _clamp(state.patience + self.patience_effects.get(reason, 0))

    def _update_objections(
        self, state: BuyerState, analysis: UtteranceAnalysis, turn: int, out: TurnOutcome
    ) -> None:
        for objection_id in list(state.open_objections):
            objection = self.persona.objection(objection_id)
            rule = objection.resolved_by
            if (
                all(analysis.has(c) for c in rule.all_of)
                and (not rule.any_of or any(analysis.has(c) for c in rule.any_of))
                and state.trust >= rule.min_trust
            ):
                del state.open_objections[objection_id]
                state.resolved.append(objection_id)
                out.resolved.append(objection)
                out.events.append(
                    ObjectionResolved(
                        turn=turn, objection=objection.id, category=objection.category
                    )
                )
                self._change_trust(
                    state,
                    self.trust_effects.get("objection_resolved", 0),
                    "objection_resolved",
                    turn,
                    out,
                )
            elif any(analysis.has(c) for c in objection.worsened_by):
                state.open_objections[objection_id] += 1
                out.escalated = objection
                out.events.append(
                    ObjectionEscalated(
                        turn=turn, objection=objection.id, category=objection.category
                    )
                )
                if state.open_objections[objection_id] >= objection.max_escalations:
                    self._end(state, "buyer_ended", turn, out)
                    return
        for objection in self.persona.objections:
            if (
                objection.id not in state.raised
                and state.rep_turns >= objection.not_before_turn
                and any(analysis.has(c) for c in objection.raise_on)
            ):
                state.raised.append(objection.id)
                state.open_objections[objection.id] = 0
                out.raised = objection
                out.events.append(
                    ObjectionRaised(turn=turn, objection=objection.id, category=objection.category)
                )
                break  # one new objection per turn: the buyer says one thing at a time

    def _hangs_up(self, state: BuyerState, analysis: UtteranceAnalysis) -> bool:
        rule = self.persona.end_conditions.hang_up
        if state.trust < rule.before_trust and any(analysis.has(c) for c in rule.strikes_on):
            state.strikes += 1
        return state.patience < rule.patience_below or state.strikes >= rule.strikes

    def _reveal(
        self, state: BuyerState, analysis: UtteranceAnalysis, turn: int, out: TurnOutcome
    ) -> None:
        for fact in self.persona.facts:
            if fact.id not in state.revealed and self.unlocks(fact, state, analysis):
                state.revealed.append(fact.id)
                out.revealed = fact
                out.events.append(FactRevealed(turn=turn, fact=fact.id, category=fact.category))
                return  # one fact per turn: make the rep keep asking

    @staticmethod
    def unlocks(fact: Fact, state: BuyerState, analysis: UtteranceAnalysis) -> bool:
        """The fact's disclosure rules hold for this turn."""
        rule = fact.unlock
        on_topic = bool(set(rule.topics) & analysis.topics) or analysis.matches_keywords(
            rule.keywords
        )
        return (
            on_topic
            and analysis.meets_question(rule.question)
            and state.trust >= rule.min_trust
            and all(other in state.revealed for other in rule.after)
        )

    def _end(
        self, state: BuyerState, reason: CallEndReason, turn: int | None, out: TurnOutcome
    ) -> TurnOutcome:
        if state.ended is None:
            state.ended = reason
            out.ended = reason
            out.events.append(CallEnded(turn=turn, reason=reason))
        return out

    def end_on_silence(self, state: BuyerState) -> TurnOutcome:
        """The rep went silent for too long: the buyer hangs up (caused by no rep turn)."""
        return self._end(state, "buyer_ended", None, TurnOutcome())
