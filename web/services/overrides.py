"""A manager's criterion-score overrides applied on top of the evaluator's scorecard.

The stored scorecard is never modified: the effective one is recomputed from
it and the override history on every read, so the original score, who changed
it and why stay visible. Totals are re-aggregated with the evaluator's own rule,
using the weights its output carries: a competency is the weighted mean of its
assessed criteria, the overall score the weighted mean of the assessed
competencies, and ``passed`` compares it with the template's pass mark. A
criterion the evaluator could not observe (``assessed: false``) counts once a
manager scores it: the manager observed it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from evaluation.result import level_for
from web.db.models import ScoreOverride


class OverrideError(ValueError):
    """The override names a competency or criterion the scorecard does not have."""


def find_criterion(scorecard: dict[str, Any], competency: str, criterion: str) -> dict[str, Any]:
    """The criterion object, or :class:`OverrideError` naming what exists."""
    competencies = scorecard.get("competencies") or {}
    if competency not in competencies:
        raise OverrideError(
            f"unknown competency {competency!r}; this scorecard has: "
            f"{', '.join(competencies) or 'none'}"
        )
    criteria = competencies[competency].get("criteria") or []
    for item in criteria:
        if item.get("id") == criterion:
            return item
    known = ", ".join(str(c.get("id")) for c in criteria) or "none"
    raise OverrideError(f"unknown criterion {criterion!r} in {competency!r}; known: {known}")


def apply_overrides(
    scorecard: dict[str, Any] | None, overrides: Iterable[ScoreOverride]
) -> dict[str, Any] | None:
    """The scorecard as managers corrected it (latest override per criterion wins)."""
    if scorecard is None:
        return None
    result = copy.deepcopy(scorecard)
    latest: dict[tuple[str, str], ScoreOverride] = {}
    for override in overrides:
        latest[(override.competency, override.criterion)] = override
    if not latest:
        return result
    for (competency_id, criterion_id), override in latest.items():
        try:
            criterion = find_criterion(result, competency_id, criterion_id)
        except OverrideError:
            continue  # re-scored with another template since; the history is kept regardless
        criterion["override"] = {
            "original_score": criterion.get("score"),
            "reason": override.reason,
            "by": override.author.display_name if override.author else None,
            "at": override.created_at.isoformat(),
        }
        criterion["score"] = override.score
        criterion["assessed"] = True
    _reaggregate(result)
    result["overridden"] = True
    return result


def _weighted_mean(items: list[dict[str, Any]]) -> float | None:
    scored = [
        i for i in items
        if isinstance(i.get("score"), (int, float)) and i.get("assessed", True) is not False
    ]
    total = sum(float(i.get("weight", 1.0)) for i in scored)
    if not scored or total <= 0:
        return None
    return sum(float(i["score"]) * float(i.get("weight", 1.0)) for i in scored) / total


def _reaggregate(result: dict[str, Any]) -> None:
    """Recompute competency scores/levels, overall and passed from the criteria."""
    competencies = result.get("competencies") or {}
    for competency in competencies.values():
        mean = _weighted_mean(competency.get("criteria") or [])
        if mean is not None:
            competency["score"] = int(round(mean))
            competency["level"] = level_for(mean)
            competency["assessed"] = True
    overall = _weighted_mean(list(competencies.values()))
    if overall is None:
        return
    result["overall"] = int(round(overall))
    pass_mark = (result.get("scorecard") or {}).get("pass_mark")
    if isinstance(pass_mark, (int, float)):
        result["passed"] = result["overall"] >= pass_mark
