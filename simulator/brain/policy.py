"""Chooses what the buyer does next (its intent) from what the rep turn changed.

The order below is the buyer's priorities: an ended call trumps everything, a
prompt-injection attempt is met with in-role confusion, a fresh objection is
voiced before anything else is answered, and a fact is only told once the rules
in :mod:`simulator.brain.state` released it.
"""

from __future__ import annotations

from dataclasses import dataclass

from personas.schema import Fact, Objection, Persona
from personas.vocabulary import Intent
from simulator.brain.analysis import UtteranceAnalysis
from simulator.brain.state import BuyerState, TurnOutcome

_WARM_TRUST = 50


@dataclass(frozen=True)
class Decision:
    """The buyer's intent for one reply, with the fact or objection it is about."""

    intent: Intent
    fact: Fact | None = None
    objection: Objection | None = None
    restated: bool = False
    """The objection was raised before and is voiced again (ignored or escalated)."""


def choose_intent(
    persona: Persona,
    state: BuyerState,
    analysis: UtteranceAnalysis,
    outcome: TurnOutcome,
) -> Decision:
    """The buyer's intent after ``outcome`` was applied to ``state``."""
    if outcome.ended == "agreed_next_step":
        return Decision("agree_next_step")
    if outcome.ended is not None:
        return Decision("end_call")
    if "injection" in analysis.signals:
        return Decision("deflect")
    if outcome.raised is not None:
        return Decision("object", objection=outcome.raised)
    if outcome.escalated is not None:
        return Decision("object", objection=outcome.escalated, restated=True)
    if outcome.declined_close:
        return Decision("decline_next_step")
    if outcome.revealed is not None:
        return Decision("reveal", fact=outcome.revealed)
    if outcome.resolved:
        return Decision("concede", objection=outcome.resolved[-1])
    if outcome.ignored is not None:
        return Decision("object", objection=outcome.ignored, restated=True)
    if state.open_objections:
        return Decision("guarded")
    locked_topic = any(
        fact.id not in state.revealed and set(fact.unlock.topics) & analysis.topics
        for fact in persona.facts
    )
    if analysis.questions and not locked_topic and state.trust >= persona.trust.initial:
        return Decision("answer")
    if state.trust >= _WARM_TRUST and not locked_topic:
        return Decision("answer")
    return Decision("guarded")
