"""Override aggregation (pure logic): totals follow the evaluator's weighted-mean rule."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from web.services.overrides import apply_overrides


def _override(competency: str, criterion: str, score: float, when: int = 0) -> Any:
    return SimpleNamespace(
        competency=competency, criterion=criterion, score=score, reason="heard it",
        author=SimpleNamespace(display_name="Maria"), created_at=datetime(2026, 1, 1, 0, when, tzinfo=UTC),
    )


def _card() -> dict[str, Any]:
    return {
        "overall": 40, "passed": False, "scorecard": {"pass_mark": 60},
        "competencies": {
            "discovery": {"score": 40, "level": "Needs Work", "weight": 3, "assessed": True, "criteria": [
                {"id": "problem", "score": 0, "weight": 1},
                {"id": "open", "score": 80, "weight": 1},
            ]},
            "objection_handling": {"score": 0, "level": "Needs Work", "weight": 1, "assessed": False, "criteria": [
                {"id": "laer", "score": 0, "weight": 1, "assessed": False},
            ]},
        },
    }


def test_no_overrides_leaves_the_scorecard_as_scored() -> None:
    assert apply_overrides(_card(), []) == _card()
    assert apply_overrides(None, [_override("discovery", "problem", 100)]) is None


def test_an_override_reweights_competency_overall_and_pass() -> None:
    card = apply_overrides(_card(), [_override("discovery", "problem", 100)])
    assert card is not None
    discovery = card["competencies"]["discovery"]
    assert discovery["score"] == 90 and discovery["level"] == "Excellent"
    assert discovery["criteria"][0]["override"] == {
        "original_score": 0, "reason": "heard it", "by": "Maria", "at": "2026-01-01T00:00:00+00:00",
    }
    assert card["overall"] == 90 and card["passed"] is True  # unobserved competency still left out
    assert _card()["competencies"]["discovery"]["criteria"][0]["score"] == 0  # input untouched


def test_the_latest_override_of_a_criterion_wins() -> None:
    card = apply_overrides(_card(), [_override("discovery", "problem", 100, 0), _override("discovery", "problem", 20, 1)])
    assert card is not None and card["competencies"]["discovery"]["score"] == 50


def test_scoring_an_unobserved_criterion_brings_its_competency_into_the_total() -> None:
    card = apply_overrides(_card(), [_override("objection_handling", "laer", 100)])
    assert card is not None
    assert card["competencies"]["objection_handling"]["assessed"] is True
    assert card["overall"] == round((40 * 3 + 100 * 1) / 4)


def test_overrides_of_criteria_the_scorecard_lacks_are_kept_out_of_the_totals() -> None:
    card = apply_overrides(_card(), [_override("storytelling", "story", 100)])
    assert card is not None and card["overall"] == 40
