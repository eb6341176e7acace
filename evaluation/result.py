"""The scorecard result: the exact ``--json`` shape, as pydantic models.

``ScoreResult.model_dump()`` is what ``run_agent.py score --json`` prints and
what the web app stores. The keys named in the issue are fixed; everything
else (``discovery_detail``, ``objections``, ``unavailable_metrics``,
``warnings``, ...) is an extension and may grow, never be renamed.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, model_validator

from evaluation.evidence import Evidence

Level = Literal["Excellent", "Proficient", "Developing", "Needs Work"]
LEVELS: tuple[str, ...] = get_args(Level)
UNASSESSED_LEVEL: Level = "Needs Work"
"""The level an unassessed competency carries so ``level`` always holds one of the four."""
_LEGACY_NOT_OBSERVED = "Not observed"


def _read_legacy_unassessed(data: Any) -> Any:
    """Results stored before ``assessed`` existed said "not observed" with ``score: null``.

    The web app keeps scorecards in its database and re-reads them, so such
    rows are read as what they meant: unassessed, score 0, level Needs Work.
    """
    if isinstance(data, dict) and "score" in data and data["score"] is None:
        data = {**data, "score": 0, "assessed": False}
        if data.get("level") == _LEGACY_NOT_OBSERVED:
            data["level"] = UNASSESSED_LEVEL
    return data


def level_for(score: float) -> Level:
    """Excellent ≥ 85, Proficient ≥ 70, Developing ≥ 50, otherwise Needs Work."""
    if score >= 85:
        return "Excellent"
    if score >= 70:
        return "Proficient"
    if score >= 50:
        return "Developing"
    return "Needs Work"


class CriterionResult(BaseModel):
    """One criterion: score, the evidence it rests on, and why.

    A criterion that could not be observed (objection criteria on a call with
    no objection; a time-based metric on plain text) has ``assessed`` False,
    ``score`` 0 and an explanation that says so and why; it counts nowhere.
    """

    id: str
    score: int = Field(..., ge=0, le=100,
                       description="0–100; 0 when not assessed (see ``assessed``).")
    evidence: list[Evidence]
    explanation: str
    assessed: bool = Field(True, description="False when it could not be observed on this "
                                             "call; then it counts towards no score.")
    name: str | None = None
    type: str = ""
    measures: str = Field("", description="The check, signal or metric the criterion reads.")
    weight: float = 1.0
    value: float | bool | None = None
    source: str = Field("deterministic", description="'deterministic' or 'judge'.")

    @model_validator(mode="before")
    @classmethod
    def read_legacy_null_score(cls, data: Any) -> Any:
        return _read_legacy_unassessed(data)


class CompetencyResult(BaseModel):
    """A competency's weighted score over its assessed criteria.

    When none of its criteria could be observed (e.g. objection handling on a
    call with no objection) it has ``assessed`` False, ``score`` 0 and level
    ``"Needs Work"`` so the fixed keys keep their types; it then counts towards
    neither ``overall`` nor ``passed`` nor a rep's profile and practice plan.
    """

    score: int = Field(..., ge=0, le=100,
                       description="Weighted mean of the assessed criteria; 0 when not assessed.")
    level: Level
    criteria: list[CriterionResult]
    name: str = ""
    weight: float = 1.0
    assessed: bool = Field(True, description="False when none of its criteria could be "
                                             "observed; then it counts nowhere.")
    explanation: str = Field("", description="How the score was formed, or why it was not "
                                             "observed.")

    @model_validator(mode="before")
    @classmethod
    def read_legacy_null_score(cls, data: Any) -> Any:
        return _read_legacy_unassessed(data)


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
