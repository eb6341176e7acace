"""The scorecard result: the exact ``--json`` shape, as pydantic models.

``ScoreResult.model_dump()`` is what ``run_agent.py score --json`` prints and
what the web app stores. The keys named in the issue are fixed; everything
else (``discovery_detail``, ``objections``, ``unavailable_metrics``,
``warnings``, ...) is an extension and may grow, never be renamed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from evaluation.evidence import Evidence

LEVELS = ("Excellent", "Proficient", "Developing", "Needs Work")
NOT_OBSERVED = "Not observed"


def level_for(score: float) -> str:
    """Excellent ≥ 85, Proficient ≥ 70, Developing ≥ 50, otherwise Needs Work."""
    if score >= 85:
        return "Excellent"
    if score >= 70:
        return "Proficient"
    if score >= 50:
        return "Developing"
    return "Needs Work"


class CriterionResult(BaseModel):
    """One criterion: score, the evidence it rests on, and why."""

    id: str
    score: int | None = Field(..., description="0–100; None when it could not be observed.")
    evidence: list[Evidence]
    explanation: str
    name: str | None = None
    type: str = ""
    measures: str = Field("", description="The check, signal or metric the criterion reads.")
    weight: float = 1.0
    value: float | bool | None = None
    source: str = Field("deterministic", description="'deterministic' or 'judge'.")


class CompetencyResult(BaseModel):
    """A competency's weighted score over its observable criteria.

    ``score`` is None and ``level`` is ``"Not observed"`` only when none of its
    criteria could be observed (e.g. objection handling on a call with no
    objection); such a competency does not count towards ``overall``.
    """

    score: int | None
    level: str
    criteria: list[CriterionResult]
    name: str = ""
    weight: float = 1.0
    assessed: bool = True


class Metrics(BaseModel):
    """The thirteen conversation metrics; None where the transcript cannot support one."""

    talk_ratio: float | None
    longest_monologue_s: float | None
    longest_buyer_story_s: float | None
    questions: int | None
    question_rate_per_min: float | None
    open_question_ratio: float | None
    stacked_questions: int | None
    patience_s: float | None
    patience_after_objection_s: float | None
    interruptions: int | None
    wpm: float | None
    filler_per_min: float | None
    switches_per_min: float | None


class ScoreResult(BaseModel):
    """Everything the evaluator says about one call."""

    overall: int
    passed: bool
    competencies: dict[str, CompetencyResult]
    metrics: Metrics
    scorecard: dict[str, Any] = Field(default_factory=dict)
    persona: str | None = None
    kind: str = Field("simulation", description="'simulation' (buyer-brain events) or 'real_call'.")
    metric_ranges: dict[str, dict[str, Any]] = Field(default_factory=dict)
    metric_extras: dict[str, Any] = Field(default_factory=dict)
    discovery_detail: dict[str, Any] = Field(default_factory=dict)
    objections: list[dict[str, Any]] = Field(default_factory=list)
    unavailable_metrics: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
