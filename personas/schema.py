"""The persona schema: what a trainer writes in a ``personas/library/*.yaml`` file.

Structure and types are checked here by pydantic; references between sections
(a fact unlocked after another fact, an objection that must be resolved) and
contradictions (thresholds that can never be met) are checked by
:mod:`personas.consistency`, which reports each problem with the path of the
offending field so the loader can name its line.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from personas.vocabulary import FactCategory, ObjectionCategory, QuestionQuality

Id = str
_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

Scenario = Literal["cold_call", "discovery", "demo_follow_up", "renewal", "negotiation"]
Difficulty = Literal["easy", "medium", "hard"]
Role = Literal["SDR", "AE", "AM"]
Style = Literal[
    "terse", "rambling", "skeptical", "rushed", "analytical", "friendly", "guarded", "hostile"
]


class _Strict(BaseModel):
    """Unknown keys are errors: a misspelt key must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Company(_Strict):
    name: str = Field(..., min_length=1)
    industry: str = Field(..., min_length=1)
    size: str = Field(..., min_length=1, description="Free text, e.g. '1,200 employees'.")
    context: str = Field(
        ..., min_length=1, description="Situation the buyer is in; goes into the system prompt."
    )


class Personality(_Strict):
    style: Style = Field(..., description="Dominant communication style.")
    traits: list[str] = Field(default_factory=list, description="Extra adjectives.")
    description: str = Field(
        ..., min_length=1, description="How this person talks; goes into the system prompt."
    )


class Voice(_Strict):
    """Piper synthesis settings for this persona (passed to ``audio/`` as is)."""

    length_scale: float = Field(1.0, gt=0.3, le=2.5, description="Above 1 is slower speech.")
    noise_scale: float = Field(0.667, ge=0.0, le=1.5)
    noise_w: float = Field(0.8, ge=0.0, le=1.5)
    volume: float = Field(1.0, gt=0.0, le=2.0)
    pitch_semitones: float = Field(0.0, ge=-12.0, le=12.0)


class ReplyLimits(_Strict):
    """How long one buyer reply may be; enforced by the guardrails."""

    max_sentences: int = Field(2, ge=1, le=6)
    max_words: int = Field(35, ge=4, le=120)


class Unlock(_Strict):
    """When a hidden fact may be revealed: all conditions must hold in one rep turn."""

    topics: list[str] = Field(
        ..., min_length=1, description="Topics (see vocabulary.TOPICS); any one of them unlocks."
    )
    keywords: list[str] = Field(
        default_factory=list, description="Persona-specific words that also count as the topic."
    )
    question: QuestionQuality = Field(
        "open", description="Least question quality: any, closed, open or probing."
    )
    min_trust: int = Field(0, ge=0, le=100)
    after: list[Id] = Field(
        default_factory=list, description="Facts that must have been revealed first."
    )


class Fact(_Strict):
    """Something the buyer knows but only tells a rep who earns it."""

    id: Id = Field(..., pattern=_ID_PATTERN)
    category: FactCategory
    content: str = Field(
        ..., min_length=1, description="The fact itself; shown to the LLM only when revealed."
    )
    line: str = Field(..., min_length=1, description="Authored reveal line (the fallback).")
    markers: list[str] = Field(
        ...,
        min_length=1,
        description="Distinctive words (numbers, names) whose presence in a reply means the "
        "fact was said; the guardrails block them until the fact is earned.",
    )
    unlock: Unlock


class Resolution(_Strict):
    """What settles an objection, within one rep turn."""

    all_of: list[str] = Field(default_factory=list, description="Conditions that must all hold.")
    any_of: list[str] = Field(
        default_factory=list, description="At least one of these must hold (if any are listed)."
    )
    min_trust: int = Field(0, ge=0, le=100)


class Objection(_Strict):
    """A concern the buyer raises by rule, and the rules that settle or worsen it."""

    id: Id = Field(..., pattern=_ID_PATTERN)
    category: ObjectionCategory
    raise_on: list[str] = Field(
        ..., min_length=1, description="Conditions (signals or topic:X); any one raises it."
    )
    not_before_turn: int = Field(
        0, ge=0, description="Earliest rep turn (counted from 1) that can raise it."
    )
    phrasings: list[str] = Field(..., min_length=1, description="Authored ways to say it.")
    resolved_by: Resolution
    worsened_by: list[str] = Field(
        default_factory=list, description="Conditions that escalate it while it is open."
    )
    max_escalations: int = Field(
        2, ge=1, description="The buyer ends the call when it is escalated this many times."
    )


class Effects(_Strict):
    """A meter (trust or patience) with its start value and per-reason changes."""

    initial: int = Field(..., ge=0, le=100)
    effects: dict[str, int] = Field(
        default_factory=dict,
        description="Reason (see vocabulary.TRUST_REASONS) -> change; merged over the defaults.",
    )


class Patience(Effects):
    silence_prompt_s: float = Field(
        6.0, gt=0, description="Seconds of rep silence before the buyer prompts."
    )
    silence_end_s: float = Field(
        25.0, gt=0, description="Seconds of rep silence after which the buyer hangs up."
    )


class NextStep(_Strict):
    """The buyer agrees to a next step only if all of these hold."""

    description: str = Field(
        ..., min_length=1, description="What the buyer agrees to, e.g. 'a 30-minute demo'."
    )
    min_trust: int = Field(..., ge=0, le=100)
    requires_facts: list[Id] = Field(
        default_factory=list, description="Facts the rep must have uncovered."
    )
    requires_resolved: list[Id] = Field(
        default_factory=list, description="Objections that must have been raised and resolved."
    )
    no_open_objections: bool = Field(True, description="No objection may still be open.")


class HangUp(_Strict):
    """The buyer ends the call if any of these happens."""

    patience_below: int = Field(10, ge=0, le=100, description="Patience under this ends the call.")
    strikes_on: list[str] = Field(
        default_factory=list, description="Conditions that count as strikes (e.g. pitch)."
    )
    strikes: int = Field(1, ge=1, description="How many strikes end the call.")
    before_trust: int = Field(
        101, ge=0, le=101, description="Strikes only count while trust is below this."
    )


class EndConditions(_Strict):
    next_step: NextStep
    hang_up: HangUp = Field(default_factory=HangUp)
    forbidden_agreements: list[str] = Field(
        default_factory=list,
        description="Extra phrases the buyer must never say unless the next step is agreed.",
    )


class Examples(_Strict):
    """Authored lines per intent: few-shot examples and the fallback when the LLM fails."""

    answer: list[str] = Field(..., min_length=1)
    guarded: list[str] = Field(..., min_length=1)
    concede: list[str] = Field(..., min_length=1)
    decline_next_step: list[str] = Field(..., min_length=1)
    agree_next_step: list[str] = Field(..., min_length=1)
    end_call: list[str] = Field(..., min_length=1)
    deflect: list[str] = Field(..., min_length=1)
    silence_prompt: list[str] = Field(..., min_length=1)

    def for_intent(self, intent: str) -> list[str]:
        """The lines for ``intent`` (one of ``vocabulary.AUTHORED_INTENTS``)."""
        return list(getattr(self, intent))


class Persona(_Strict):
    """One buyer a rep can practise on."""

    id: Id = Field(..., pattern=_ID_PATTERN)
    name: str = Field(..., min_length=1)
    title: str = Field(..., min_length=1)
    company: Company
    scenario: Scenario
    difficulty: Difficulty
    role_fit: list[Role] = Field(..., min_length=1, description="SDR, AE and/or AM.")
    skills: list[str] = Field(
        ..., min_length=1, description="Competencies it drills (see vocabulary.SKILLS)."
    )
    brief: str = Field(..., min_length=40, description="One paragraph for the rep.")
    seller_offering: str = Field(
        ..., min_length=1, description="What the rep is selling, as the buyer understands it."
    )
    personality: Personality
    voice: Voice = Field(default_factory=Voice)
    speaks_first: bool = Field(True, description="The buyer picks up with the opening line.")
    opening_line: str = Field(..., min_length=1)
    reply_limits: ReplyLimits = Field(default_factory=ReplyLimits)
    rep_monologue_words: int = Field(
        70, ge=20, description="A rep turn longer than this counts as a monologue."
    )
    trust: Effects
    patience: Patience
    facts: list[Fact] = Field(..., min_length=1)
    objections: list[Objection] = Field(default_factory=list)
    end_conditions: EndConditions
    examples: Examples

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)

    def objection(self, objection_id: str) -> Objection:
        return next(o for o in self.objections if o.id == objection_id)
