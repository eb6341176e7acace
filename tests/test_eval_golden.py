"""Golden calls: rankings, key metrics, exact output shape, and verbatim evidence.

The golden transcripts in ``tests/golden`` were written by hand to be clearly
strong or weak in one way each; the assertions are the judgments a sales
trainer would make about them, not numbers copied from the implementation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation import ScoreResult, load_scorecard, load_transcript, score

GOLDEN = Path(__file__).parent / "golden"
CALLS = ("great_discovery", "pitch_monologue", "interrogation", "caving_on_price",
         "excellent_objection_handling", "no_next_step", "messy_real_call")
METRIC_KEYS = {"talk_ratio", "longest_monologue_s", "longest_buyer_story_s", "questions",
               "question_rate_per_min", "open_question_ratio", "stacked_questions", "patience_s",
               "patience_after_objection_s", "interruptions", "wpm", "filler_per_min",
               "switches_per_min"}
LEVELS = {"Excellent", "Proficient", "Developing", "Needs Work"}


@pytest.fixture(scope="module")
def ae() -> dict[str, ScoreResult]:
    card = load_scorecard("ae")
    results = {name: score(GOLDEN / f"{name}.json", card) for name in CALLS}
    results["plain_text_call"] = score(GOLDEN / "plain_text_call.txt", card)
    return results


def _comp(result: ScoreResult, competency: str) -> int:
    comp = result.competencies[competency]
    assert comp.assessed, f"{competency} was not observed"
    return comp.score


def test_overall_rankings(ae: dict[str, ScoreResult]) -> None:
    overall = {name: r.overall for name, r in ae.items()}
    for strong in ("great_discovery", "excellent_objection_handling"):
        for weak in ("pitch_monologue", "interrogation", "caving_on_price", "messy_real_call",
                     "no_next_step"):
            assert overall[strong] > overall[weak] + 15, (strong, weak, overall)
    assert overall["no_next_step"] > overall["pitch_monologue"]
    assert ae["great_discovery"].passed and ae["excellent_objection_handling"].passed
    for weak in ("pitch_monologue", "interrogation", "caving_on_price", "messy_real_call",
                 "no_next_step"):
        assert not ae[weak].passed, weak


def test_discovery_rankings(ae: dict[str, ScoreResult]) -> None:
    great = _comp(ae["great_discovery"], "discovery")
    assert great >= 85
    assert great > _comp(ae["interrogation"], "discovery") + 30
    assert _comp(ae["interrogation"], "discovery") > _comp(ae["pitch_monologue"], "discovery")
    assert _comp(ae["no_next_step"], "discovery") > _comp(ae["messy_real_call"], "discovery")


def test_objection_handling_rankings(ae: dict[str, ScoreResult]) -> None:
    excellent = _comp(ae["excellent_objection_handling"], "objection_handling")
    assert excellent >= 85
    for weak in ("caving_on_price", "pitch_monologue", "interrogation", "messy_real_call"):
        assert excellent > _comp(ae[weak], "objection_handling") + 30, weak
    assert _comp(ae["messy_real_call"], "objection_handling") > _comp(
        ae["caving_on_price"], "objection_handling")


def test_next_steps_and_control_rankings(ae: dict[str, ScoreResult]) -> None:
    assert _comp(ae["great_discovery"], "next_steps") > _comp(ae["no_next_step"], "next_steps") + 50
    assert _comp(ae["great_discovery"], "conversation_control") > _comp(
        ae["pitch_monologue"], "conversation_control") + 40


def test_key_metrics(ae: dict[str, ScoreResult]) -> None:
    great, pitch = ae["great_discovery"].metrics, ae["pitch_monologue"].metrics
    grill, cave = ae["interrogation"].metrics, ae["caving_on_price"].metrics
    messy, good_oh = ae["messy_real_call"].metrics, ae["excellent_objection_handling"].metrics
    assert 0.35 <= great.talk_ratio <= 0.55 and great.open_question_ratio >= 0.6
    assert great.stacked_questions == 0 and great.interruptions == 0
    assert pitch.talk_ratio > 0.85 and pitch.longest_monologue_s > 120
    assert pitch.questions <= 2
    assert grill.stacked_questions >= 4 and grill.open_question_ratio < 0.3
    assert grill.question_rate_per_min > 10
    assert good_oh.patience_after_objection_s >= 1.5 and cave.patience_after_objection_s < 0.5
    assert messy.filler_per_min > 10 and great.filler_per_min == 0
    assert messy.interruptions >= 2 and messy.patience_after_objection_s == 0
    assert 140 <= great.wpm <= 190


def test_hidden_facts_are_credited_to_the_question_that_earned_them(
        ae: dict[str, ScoreResult]) -> None:
    facts = {f["fact"]: f for f in ae["great_discovery"].discovery_detail["facts"]}
    assert set(facts) == {"manual_dispatch", "overtime_cost", "cfo_signs", "security_review",
                          "q3_deadline", "evaluating_competitor"}
    assert facts["overtime_cost"]["question"]["quote"] == (
        "When those delivery windows are missed, what does that mean for the business?")
    assert facts["overtime_cost"]["revealed_in"]["speaker"] == "buyer"
    spin = ae["great_discovery"].discovery_detail["spin"]
    assert all(spin[c] >= 1 for c in ("situation", "problem", "implication", "need_payoff"))
    assert ae["interrogation"].discovery_detail["spin"]["implication"] == 0


def test_real_call_detects_pains_from_the_buyers_words(ae: dict[str, ScoreResult]) -> None:
    detail = ae["messy_real_call"].discovery_detail
    assert not detail["uses_events"] and ae["messy_real_call"].kind == "real_call"
    pains = [s for s in detail["statements"] if s["kind"] == "pain"]
    assert any("slip through the cracks" in s["evidence"]["quote"] for s in pains)


def test_plain_text_call_scores_and_states_unavailable_metrics(
        ae: dict[str, ScoreResult]) -> None:
    result = ae["plain_text_call"]
    assert result.metrics.longest_monologue_s is None and result.metrics.wpm is None
    assert {"longest_monologue_s", "wpm", "patience_s", "interruptions"} <= set(
        result.unavailable_metrics)
    assert any("Plain-text transcript" in w for w in result.warnings)
    assert result.metrics.talk_ratio is not None and result.metrics.questions >= 6
    assert result.objections and result.objections[0]["category"] == "timing"
    assert result.objections[0]["steps"]["paused"] is None and result.objections[0]["resolved"]
    assert _comp(result, "next_steps") >= 80 and result.overall > ae["messy_real_call"].overall


@pytest.mark.parametrize("card_id", ["sdr", "ae", "am"])
def test_exact_shape_and_verbatim_evidence_for_every_call(card_id: str) -> None:
    card = load_scorecard(card_id)
    files = [GOLDEN / f"{n}.json" for n in CALLS] + [GOLDEN / "plain_text_call.txt"]
    unassessed: set[str] = set()
    for path in files:
        transcript = load_transcript(path)
        data = json.loads(score(transcript, card).model_dump_json())
        assert type(data["overall"]) is int and 0 <= data["overall"] <= 100
        assert isinstance(data["passed"], bool)
        assert set(data["metrics"]) == METRIC_KEYS
        assert {"discovery", "objection_handling"} <= set(data["competencies"])
        for cid, comp in data["competencies"].items():
            assert {"score", "level", "criteria", "assessed"} <= set(comp)
            assert type(comp["score"]) is int and 0 <= comp["score"] <= 100, (path.name, cid)
            assert comp["level"] in LEVELS and type(comp["assessed"]) is bool
            if not comp["assessed"]:
                unassessed.add(path.name)
                assert (comp["score"], comp["level"]) == (0, "Needs Work")
                assert not any(c["assessed"] for c in comp["criteria"])
            for crit in comp["criteria"]:
                assert {"id", "score", "evidence", "explanation", "assessed"} <= set(crit)
                assert type(crit["score"]) is int and 0 <= crit["score"] <= 100
                if not crit["assessed"]:
                    assert crit["score"] == 0 and crit["explanation"].startswith("not observed")
                assert crit["explanation"], (path.name, cid, crit["id"])
                for ev in crit["evidence"]:
                    assert set(ev) == {"turn", "speaker", "start", "quote"}
                    turn = transcript.turns[ev["turn"]]
                    assert ev["quote"] and ev["quote"] in turn.text, (path.name, ev)
                    assert ev["speaker"] == turn.speaker and ev["start"] == turn.start
    assert "no_next_step.json" in unassessed  # the not-observed path was exercised


def test_caving_is_penalised_and_named(ae: dict[str, ScoreResult]) -> None:
    price = ae["caving_on_price"].objections[0]
    assert price["category"] == "price" and price["caved"] and not price["resolved"]
    assert "20% off" in price["step_evidence"]["caved"]["quote"]
    criterion = next(c for c in ae["caving_on_price"].competencies["objection_handling"].criteria
                     if c.id == "no_caving")
    assert criterion.score == 0 and "20% off" in criterion.evidence[0].quote


def test_excellent_handling_passes_every_laer_step(ae: dict[str, ScoreResult]) -> None:
    objections = ae["excellent_objection_handling"].objections
    assert [o["category"] for o in objections] == ["price", "authority", "timing"]
    for objection in objections:
        assert all(objection["steps"].values()), objection
        assert objection["resolved"] and not objection["caved"] and objection["score"] >= 85


def test_defensive_monologue_and_escalation_in_the_pitch(ae: dict[str, ScoreResult]) -> None:
    objections = ae["pitch_monologue"].objections
    assert objections[0]["category"] == "status_quo" and objections[0]["defensive"]
    assert not any(o["resolved"] for o in objections)
    assert all(o["score"] < 40 for o in objections)


def test_json_round_trips_into_the_result_model(ae: dict[str, ScoreResult]) -> None:
    """The web app stores the JSON and rebuilds results from it for profiles."""
    for result in ae.values():
        data = json.loads(json.dumps(result.model_dump(mode="json")))
        assert ScoreResult.model_validate(data) == result
