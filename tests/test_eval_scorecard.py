"""Scorecard templates: the shipped ones load, and bad ones name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation import ScorecardError, builtin_scorecards, load_scorecard, parse_scorecard, score

GOOD = """\
id: mini
name: Mini card
pass_mark: 60
competencies:
  - id: discovery
    name: Discovery
    weight: 2
    criteria:
      - id: implication
        type: yes_no
        check: asked_implication_question
      - id: open
        type: metric
        metric: open_question_ratio
        min: 0.5
        tolerance: 0.5
  - id: objection_handling
    name: Objections
    criteria:
      - id: laer
        type: range
        signal: objection_score
        zero_at: 0
        full_at: 80
"""

DOCS = (Path(__file__).resolve().parents[1] / "docs" / "evaluation.md").read_text()


def _error(text: str) -> str:
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard(text, source="card.yaml")
    return str(caught.value)


def test_builtin_templates_cover_every_competency() -> None:
    assert builtin_scorecards() == ["ae", "am", "sdr"]
    required = {"discovery", "objection_handling", "storytelling", "building_urgency",
                "next_steps", "conversation_control"}
    for card_id in builtin_scorecards():
        card = load_scorecard(card_id)
        assert {c.id for c in card.competencies} == required, card_id
        types = {crit.type for c in card.competencies for crit in c.criteria}
        assert types == {"yes_no", "range", "metric"}, card_id
        assert 0 < card.pass_mark <= 100


def test_every_check_signal_and_metric_is_documented() -> None:
    from evaluation.metrics import METRIC_KEYS
    from evaluation.signals import CHECKS, SIGNALS

    missing = [name for name in (*CHECKS, *SIGNALS, *METRIC_KEYS, "question_spread")
               if f"`{name}`" not in DOCS]
    assert not missing, f"document these in docs/evaluation.md: {missing}"


@pytest.mark.parametrize(("edit", "expected"), [
    (("check: asked_implication_question", "check: asked_implications"),
     "line 11: competencies[0].criteria[0].check: unknown check 'asked_implications'"),
    (("metric: open_question_ratio", "metric: talk_time"),
     "line 14: competencies[0].criteria[1].metric: unknown metric 'talk_time'"),
    (("signal: objection_score", "signal: objection_points"),
     "line 22: competencies[1].criteria[0].signal: unknown signal 'objection_points'"),
    (("    weight: 2\n", "    weight: -1\n"),
     "line 7: competencies[0].weight: Input should be greater than 0"),
    (("pass_mark: 60", "pass_mark: 160"), "line 3: pass_mark: Input should be less than or equal"),
    (("        min: 0.5\n", ""),
     "line 12: competencies[0].criteria[1]: a metric criterion needs min, max or both"),
    (("        full_at: 80", "        full_at: 0"),
     "line 20: competencies[1].criteria[0]: zero_at and full_at must differ"),
    (("        type: yes_no", "        type: boolean"),
     "line 10: competencies[0].criteria[0].type: Input tag 'boolean' found using 'type' does not"),
    (("        check: asked_implication_question\n",
      "        check: asked_implication_question\n        colour: red\n"),
     "line 12: competencies[0].criteria[0].colour: Extra inputs are not permitted"),
    (("      - id: open", "      - id: implication"),
     "line 8: competencies[0].criteria: duplicate criterion id(s): implication"),
    (("name: Mini card\n", ""), "line 1: name: Field required"),
])
def test_template_errors_name_file_line_and_field(edit: tuple[str, str], expected: str) -> None:
    old, new = edit
    assert old in GOOD
    message = _error(GOOD.replace(old, new, 1))
    assert f"card.yaml: {expected}" in message, message


def test_duplicate_keys_and_bad_yaml_are_located() -> None:
    assert "card.yaml: line 4: pass_mark: duplicate key" in _error(
        GOOD.replace("pass_mark: 60\n", "pass_mark: 60\npass_mark: 70\n"))
    assert "card.yaml: line 3: invalid YAML" in _error("id: x\nname: y\n pass_mark: [\n")
    assert "card.yaml: line 1: the file is empty" in _error("")


def test_unknown_scorecard_lists_the_builtins(tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="built-in: ae, am, sdr"):
        load_scorecard("nope")
    path = tmp_path / "card.yaml"
    path.write_text(GOOD)
    assert load_scorecard(path).id == "mini"
    path.write_text(GOOD.replace("check: asked_implication_question", "check: typo"))
    with pytest.raises(ScorecardError, match=rf"{path}: line 11: .*unknown check 'typo'"):
        load_scorecard(path)


def test_criterion_types_score_as_documented() -> None:
    card = parse_scorecard(GOOD)
    call = {"version": 1, "persona": None, "duration_s": 20, "turns": [
        {"speaker": "rep", "start": 0, "end": 3, "text": "Do you use a spreadsheet?"},
        {"speaker": "buyer", "start": 3.5, "end": 6, "text": "Yes, and it is slow."},
        {"speaker": "rep", "start": 7, "end": 10, "text": "What does that cost you each week?"},
        {"speaker": "buyer", "start": 11, "end": 14, "text": "About ten hours."},
    ]}
    result = score(call, card)
    discovery = {c.id: c for c in result.competencies["discovery"].criteria}
    assert discovery["implication"].score == 100  # yes/no: asked an implication question
    # metric: 1 open of 2 discovery questions = 0.5, exactly at the threshold
    assert result.metrics.open_question_ratio == 0.5 and discovery["open"].score == 100
    oh = result.competencies["objection_handling"]
    assert (oh.score, oh.level, oh.assessed) == (0, "Needs Work", False)
    assert result.overall == result.competencies["discovery"].score  # only assessed ones count
