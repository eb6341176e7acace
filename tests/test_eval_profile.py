"""Skill-gap profiles: recency-weighted levels, trends, a practice plan and grounded notes."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evaluation import (PersonaDescriptor, SessionRecord, build_profile, load_rep_sessions,
                        load_scorecard, load_transcript, parse_scorecard, score)
from simulator.cli.profile import persona_descriptors

GOLDEN = Path(__file__).parent / "golden"
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _store(root: Path, rep: str, calls: list[str], scorecard: str = "ae") -> Path:
    """A session store: one directory per session, oldest first, one day apart."""
    for day, call in enumerate(calls):
        session = root / rep / f"s{day + 1:02d}-{call}"
        session.mkdir(parents=True)
        shutil.copy(GOLDEN / f"{call}.json", session / "transcript.json")
        meta = {"timestamp": (START + timedelta(days=day)).isoformat(), "scorecard": scorecard}
        (session / "meta.json").write_text(json.dumps(meta))
    return root


@pytest.fixture(scope="module")
def personas() -> list[PersonaDescriptor]:
    descriptors, warnings = persona_descriptors()
    assert descriptors, warnings
    return descriptors


def test_library_descriptors_carry_what_the_plan_needs(personas: list[PersonaDescriptor]) -> None:
    negotiator = next(p for p in personas if p.id == "procurement-negotiator")
    assert "objection_handling" in negotiator.drills and "negotiation" in negotiator.drills
    assert negotiator.difficulty == "hard" and negotiator.name


def test_caving_rep_is_sent_to_the_procurement_negotiator(
        tmp_path: Path, personas: list[PersonaDescriptor]) -> None:
    store = _store(tmp_path, "alice", ["great_discovery", "caving_on_price", "caving_on_price"])
    records, warnings = load_rep_sessions(store, "alice")
    assert not warnings and [r.session_id for r in records][-1] == "s03-caving_on_price"
    profile = build_profile(records, personas, rep_id="alice")
    oh = profile.competencies["objection_handling"]
    assert oh.level == "Needs Work" and oh.trend == "declining" and oh.sessions == 3
    # recency weighting: the two recent caving calls outweigh the old excellent one
    assert oh.score < (100 + 22 + 22) / 3
    assert "objection_handling" in profile.weakest
    item = next(i for i in profile.practice_plan if i.competency == "objection_handling")
    assert item.persona_id == "procurement-negotiator"
    note = next(n for n in profile.coaching_notes if n.competency == "objection_handling")
    assert note.session_id == "s03-caving_on_price" and note.criterion == "no_caving"
    assert note.evidence is not None and "20% off" in note.evidence.quote
    transcript = load_transcript(store / "alice" / note.session_id / "transcript.json")
    assert note.evidence.quote in transcript.turns[note.evidence.turn].text
    assert "Hold the price" in note.try_instead and "Elena Ruiz" in note.note
    assert "20% off" in note.note


def test_improving_rep_and_trends(tmp_path: Path, personas: list[PersonaDescriptor]) -> None:
    store = _store(tmp_path, "bob", ["pitch_monologue", "interrogation", "no_next_step",
                                     "great_discovery"])
    records, _ = load_rep_sessions(store, "bob")
    profile = build_profile(records, personas, rep_id="bob")
    discovery = profile.competencies["discovery"]
    assert discovery.trend == "improving" and discovery.slope_per_session > 3
    assert [h.session_id for h in discovery.history][0] == "s01-pitch_monologue"
    # the latest (great) call dominates the weighted score but the old ones still pull it down
    assert discovery.score < 100 and discovery.score > sum(h.score for h in discovery.history) / 4
    assert profile.sessions == 4
    # no_next_step raised no objection: its placeholder 0 is not part of the history or trend
    oh = profile.competencies["objection_handling"]
    assert oh.sessions == 3 and "s03-no_next_step" not in [h.session_id for h in oh.history]


def test_unassessed_competency_is_no_weakness(personas: list[PersonaDescriptor]) -> None:
    result = score(GOLDEN / "no_next_step.json", "ae")
    assert not result.competencies["objection_handling"].assessed
    profile = build_profile([SessionRecord(session_id="1", result=result)], personas)
    assert "objection_handling" not in profile.competencies
    assert "objection_handling" not in profile.weakest
    assert all(i.competency != "objection_handling" for i in profile.practice_plan)
    assert all(n.competency != "objection_handling" for n in profile.coaching_notes)
    assert all(n.criterion != "pause" for n in profile.coaching_notes)


def test_plan_without_personas_says_so_and_no_sessions_is_not_an_error() -> None:
    result = score(GOLDEN / "pitch_monologue.json", load_scorecard("ae"))
    profile = build_profile([SessionRecord(session_id="one", result=result)], rep_id="x")
    assert profile.practice_plan and all(i.persona_id is None for i in profile.practice_plan)
    assert any("no persona descriptors" in w for w in profile.warnings)
    assert profile.competencies["discovery"].trend == "new"
    empty = build_profile([], rep_id="nobody")
    assert empty.sessions == 0 and "no scored sessions" in empty.warnings[0]


DISCOVERY_ONLY = """\
id: discovery_only
name: Discovery only
pass_mark: 70
competencies:
  - id: discovery
    name: Discovery
    criteria:
      - id: implication
        type: yes_no
        check: asked_implication_question
      - id: spin
        type: range
        signal: spin_categories
        zero_at: 0
        full_at: 4
"""


def test_difficulty_follows_the_level() -> None:
    easy = PersonaDescriptor(id="easy", name="Easy", difficulty="easy", drills=["discovery"])
    hard = PersonaDescriptor(id="hard", name="Hard", difficulty="hard", drills=["discovery"])
    weak = score(GOLDEN / "pitch_monologue.json", "ae")
    plan = build_profile([SessionRecord(session_id="1", result=weak)], [hard, easy]).practice_plan
    assert next(i for i in plan if i.competency == "discovery").persona_id == "easy"
    strong = score(GOLDEN / "great_discovery.json", parse_scorecard(DISCOVERY_ONLY))
    profile = build_profile([SessionRecord(session_id="1", result=strong)], [easy, hard])
    # nothing below Proficient: one stretch goal on the weakest competency, at the hard end
    assert [i.persona_id for i in profile.practice_plan] == ["hard"]
    assert profile.practice_plan[0].reason.startswith("Stretch goal")
    assert not profile.coaching_notes  # nothing weak to quote


def test_broken_sessions_are_skipped_with_their_path(tmp_path: Path) -> None:
    store = _store(tmp_path, "carol", ["great_discovery"])
    bad = store / "carol" / "s02-bad"
    bad.mkdir()
    (bad / "transcript.json").write_text('{"version": 1, "turns": [}')
    (store / "carol" / "s03-empty").mkdir()
    records, warnings = load_rep_sessions(store, "carol")
    assert [r.session_id for r in records] == ["s01-great_discovery"]
    assert any("s02-bad" in w and "invalid JSON" in w for w in warnings)
    assert any("s03-empty" in w and "no transcript" in w for w in warnings)
    with pytest.raises(FileNotFoundError, match="reps found: carol"):
        load_rep_sessions(store, "dave")
