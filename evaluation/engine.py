"""Score a transcript against a scorecard template: criteria, competencies, overall, pass.

Deterministic by default: every criterion reads a named check, signal or
metric from one :class:`~evaluation.signals.Analysis` of the call. With a
judge, criteria that carry a ``judge:`` rubric may be re-scored by an LLM, but
only when every quote it cites is found verbatim in the named speaker's turns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluation.details import discovery_detail, metric_ranges, objections_detail
from evaluation.evidence import evidence_list
from evaluation.metrics import TIME_BASED
from evaluation.references import REFERENCE_RANGES
from evaluation.result import (UNASSESSED_LEVEL, CompetencyResult, CriterionResult, Metrics,
                               ScoreResult, level_for)
from evaluation.scorecard import (Competency, MetricCriterion, RangeCriterion, Scorecard,
                                  YesNoCriterion, load_scorecard)
from evaluation.signals import CHECKS, SIGNALS, Analysis, Measurement, analyse
from evaluation.transcript import Transcript, load_transcript

if TYPE_CHECKING:
    from evaluation.judge import Judge, JudgeVerdict


def _metric_measurement(analysis: Analysis, criterion: MetricCriterion) -> Measurement:
    metrics = analysis.metrics
    value = metrics.values.get(criterion.metric, metrics.extra.get(criterion.metric))
    refs = metrics.evidence.get(criterion.metric, [])
    reference = REFERENCE_RANGES.get(criterion.metric)
    label = reference.label if reference else criterion.metric.replace("_", " ")
    unit = f" {reference.unit}" if reference else ""
    if value is None:
        if criterion.metric in TIME_BASED and not analysis.transcript.timed:
            why = "needs turn times; this transcript is plain text"
        elif criterion.metric == "patience_after_objection_s":
            why = "no objection was raised"
        else:
            why = "no speech to measure"
        return Measurement(None, f"{label}: unavailable ({why})")
    bounds = " and ".join(part for part in (
        f"≥ {criterion.min:g}" if criterion.min is not None else "",
        f"≤ {criterion.max:g}" if criterion.max is not None else "") if part)
    shown = f"{value:.0%}" if reference and reference.unit.startswith("of ") else f"{value:g}"
    text = f"{label}: {shown}{unit} (target {bounds}"
    if reference:
        text += f"; reference: {reference.note}"
    return Measurement(float(value), text + ")", refs)


def _metric_score(value: float, criterion: MetricCriterion) -> float:
    distance = 0.0
    if criterion.min is not None and value < criterion.min:
        distance = criterion.min - value
    elif criterion.max is not None and value > criterion.max:
        distance = value - criterion.max
    if distance == 0.0:
        return 100.0
    if criterion.tolerance <= 0:
        return 0.0
    return max(0.0, 1.0 - distance / criterion.tolerance) * 100.0


def _criterion(analysis: Analysis, criterion: YesNoCriterion | RangeCriterion | MetricCriterion
               ) -> CriterionResult:
    if isinstance(criterion, YesNoCriterion):
        measured = CHECKS[criterion.check](analysis)
        score = None if measured.value is None else (
            100.0 if bool(measured.value) == criterion.expect else 0.0)
    elif isinstance(criterion, RangeCriterion):
        measured = SIGNALS[criterion.signal](analysis)
        score = None
        if measured.value is not None:
            fraction = (float(measured.value) - criterion.zero_at) / (
                criterion.full_at - criterion.zero_at)
            score = max(0.0, min(1.0, fraction)) * 100.0
    else:
        measured = _metric_measurement(analysis, criterion)
        score = None if measured.value is None else _metric_score(float(measured.value), criterion)
    explanation = measured.explanation
    if score is None:
        explanation = f"not observed, so not scored: {explanation}"
    elif not analysis.transcript.speaker_turns("rep"):
        score, explanation = 0.0, f"nothing to credit, the rep never spoke ({explanation})"
    return CriterionResult(
        id=criterion.id, name=criterion.name or criterion.id.replace("_", " ").capitalize(),
        score=0 if score is None else int(round(score)), assessed=score is not None,
        evidence=evidence_list(analysis.transcript, measured.refs),
        explanation=explanation, type=criterion.type, measures=criterion.measures,
        weight=criterion.weight, value=measured.value,
    )


def _apply_verdict(result: CriterionResult, verdict: JudgeVerdict, warnings: list[str]) -> None:
    if not verdict.accepted:
        warnings.append(f"judge verdict on '{result.id}' not counted: {verdict.reason}")
        return
    result.score = verdict.score
    result.assessed = True  # a quote-backed judge score observes what the rules could not
    result.evidence = verdict.evidence
    result.explanation = f"LLM judge: {verdict.explanation}"
    result.source = "judge"


def _competency(analysis: Analysis, competency: Competency,
                verdicts: dict[str, JudgeVerdict], warnings: list[str]) -> CompetencyResult:
    criteria = []
    for criterion in competency.criteria:
        result = _criterion(analysis, criterion)
        verdict = verdicts.get(f"{competency.id}.{criterion.id}")
        if verdict is not None:
            _apply_verdict(result, verdict, warnings)
        criteria.append(result)
    scored = [c for c in criteria if c.assessed]
    if not scored:
        first = criteria[0]
        why = (f"not observed: none of its {len(criteria)} criteria could be observed on this "
               f"call (e.g. {first.name or first.id}: {first.explanation}). Score 0 and level "
               "Needs Work only fill the fixed shape; it is left out of the overall score, the "
               "pass decision and the rep's profile.")
        return CompetencyResult(score=0, level=UNASSESSED_LEVEL, criteria=criteria,
                                name=competency.name, weight=competency.weight, assessed=False,
                                explanation=why)
    total = sum(c.weight for c in scored)
    score = sum(c.score * c.weight for c in scored) / total
    skipped = [c.id for c in criteria if not c.assessed]
    how = f"weighted mean of {len(scored)} assessed criteria" + (
        f"; not observed and left out: {', '.join(skipped)}" if skipped else "")
    return CompetencyResult(score=int(round(score)), level=level_for(score), criteria=criteria,
                            name=competency.name, weight=competency.weight, explanation=how)


def _warnings(analysis: Analysis) -> list[str]:
    t = analysis.transcript
    rep, buyer = t.speaker_turns("rep"), t.speaker_turns("buyer")
    out = []
    if not t.turns:
        out.append("The transcript has no turns: there was no conversation to score, so every "
                   "criterion that can be observed is 0.")
    elif not buyer:
        out.append("One-sided call: only the rep speaks. With no buyer answers there is no "
                   "discovery to credit and no objection to handle, so scores are low.")
    elif not rep:
        out.append("One-sided call: the rep never speaks, so every rep criterion scores 0.")
    elif len(t.turns) < 6:
        out.append(f"Very short call ({len(t.turns)} turns): scores rest on little evidence.")
    if not t.timed:
        out.append("Plain-text transcript (no times): time-based metrics are unavailable ("
                   + ", ".join(TIME_BASED) + "); talk ratio is estimated from word counts.")
    if t.turns and buyer and not analysis.objections:
        out.append("No objection was raised, so objection handling was not observed and does "
                   "not count towards the overall score.")
    return out


def score(transcript: Transcript | str | dict, scorecard: Scorecard | str = "ae", *,
          judge: Judge | None = None) -> ScoreResult:
    """Score one call; ``transcript`` and ``scorecard`` may be objects, paths or ids."""
    if not isinstance(transcript, Transcript):
        transcript = load_transcript(transcript)
    card = load_scorecard(scorecard)
    analysis = analyse(transcript)
    warnings = _warnings(analysis)
    verdicts: dict[str, JudgeVerdict] = {}
    if judge is not None:
        verdicts, judge_warnings = judge.assess_scorecard(transcript, card)
        warnings.extend(judge_warnings)
    competencies = {c.id: _competency(analysis, c, verdicts, warnings) for c in card.competencies}
    assessed = [c for c in competencies.values() if c.assessed]
    weight = sum(c.weight for c in assessed)
    overall = sum(c.score * c.weight for c in assessed) / weight if weight else 0.0
    overall_int = int(round(overall))
    metrics = analysis.metrics
    return ScoreResult(
        overall=overall_int,
        passed=bool(assessed) and overall_int >= card.pass_mark,
        competencies=competencies,
        metrics=Metrics(**metrics.values),  # type: ignore[arg-type]
        scorecard={"id": card.id, "name": card.name, "pass_mark": card.pass_mark},
        persona=transcript.persona,
        kind="simulation" if transcript.has_events else "real_call",
        metric_ranges=metric_ranges(metrics),
        metric_extras=metrics.extra,
        discovery_detail=discovery_detail(analysis),
        objections=objections_detail(analysis),
        unavailable_metrics=metrics.unavailable,
        warnings=warnings,
    )
