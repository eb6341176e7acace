"""Transcript loading: every malformed input gets an error naming the turn, field or line."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema_rs
import pytest

from evaluation import TranscriptError, load_transcript

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
SCHEMA = json.loads((ROOT / "docs" / "transcript.schema.json").read_text())

VALID = {
    "version": 1,
    "persona": "p",
    "duration_s": 10.0,
    "turns": [
        {"speaker": "rep", "start": 0.0, "end": 3.0, "text": "What brings you here today?"},
        {"speaker": "buyer", "start": 2.5, "end": 6.0, "text": "Our reporting is slow.",
         "interrupted": True},
        {"speaker": "rep", "start": 6.5, "end": 9.0, "text": "How slow is it?"},
    ],
    "events": [{"type": "fact_revealed", "turn": 0, "fact": "slow", "category": "pain",
                "extra": "kept"}],
}


def _broken(**changes: object) -> dict:
    data = copy.deepcopy(VALID)
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return data


_DELETE = object()


def _error(data: object, source: str | None = "call.json") -> str:
    with pytest.raises(TranscriptError) as caught:
        load_transcript(data, source=source)  # type: ignore[arg-type]
    return str(caught.value)


def test_valid_transcript_loads_with_overlap_between_speakers_allowed() -> None:
    transcript = load_transcript(VALID)
    assert [t.speaker for t in transcript.turns] == ["rep", "buyer", "rep"]
    assert transcript.turns[1].interrupted and transcript.timed and transcript.has_events
    assert transcript.events[0].get("extra") == "kept"


@pytest.mark.parametrize(("changes", "expected"), [
    ({"turns__1__speaker": "seller"}, "turns[1].speaker: 'seller' is not one of 'rep', 'buyer'"),
    ({"turns__2__end": 5.0}, "turns[2].end: 5.0 is before start 6.5"),
    ({"turns__0__text": "   "}, "turns[0].text: empty turn"),
    ({"turns__1__text": _DELETE}, "turns[1].text: missing"),
    ({"turns__0__start": _DELETE}, "turns[0].start: missing"),
    ({"turns__0__start": "zero"}, "turns[0].start: 'zero' is not a number of seconds >= 0"),
    ({"turns__2__start": 2.0, "turns__2__end": 2.4}, "turns[2].start: 2.0 is before the start of "
                                                     "turns[1] (2.5)"),
    ({"turns__2__start": 2.8, "turns__2__end": 3.5}, "turns[2].start: 2.8 overlaps the previous "
                                                     "rep turn turns[0]"),
    ({"turns__1__interrupted": "yes"}, "turns[1].interrupted: expected true or false"),
    ({"version": 2}, "version: expected 1, got 2"),
    ({"version": _DELETE}, "version: missing"),
    ({"duration_s": _DELETE}, "duration_s: missing"),
    ({"duration_s": 5.0}, "duration_s: 5.0 is shorter than the last turn, which ends at 9.0"),
    ({"turns": {"a": 1}}, "turns: expected a list, got dict"),
    ({"events__0__turn": 7}, "events[0].turn: 7 is not the index of a turn (0..2) or null"),
    ({"events__0__fact": _DELETE}, "events[0]: fact_revealed event without fact"),
    ({"persona": 3}, "persona: expected a persona id or null, got 3"),
])
def test_malformed_json_fields_name_turn_and_field(changes: dict, expected: str) -> None:
    message = _error(_broken(**changes))
    assert f"call.json: {expected}" in message, message


def test_every_problem_is_reported_at_once() -> None:
    message = _error(_broken(turns__0__speaker="x", turns__2__text=""))
    assert "turns[0].speaker" in message and "turns[2].text" in message


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"version": 1,\n "turns": [\n}')
    message = _error(path, source=None)
    assert message.startswith(f"{path}: invalid JSON at line 3 column 1")


def test_json_that_is_not_an_object_is_rejected() -> None:
    assert "expected a JSON object, got list" in _error("[1, 2]")


def test_plain_text_turns_continuations_and_case() -> None:
    transcript = load_transcript("REP: Hi there.\nbuyer: Hello.\nI have a question.\n\nRep: Sure?")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("rep", "Hi there."), ("buyer", "Hello. I have a question."), ("rep", "Sure?")]
    assert not transcript.timed and transcript.turns[0].start is None


def test_plain_text_errors_name_the_line() -> None:
    assert "line 1: expected a line starting with 'Rep:' or 'Buyer:'" in _error("Hello\nRep: hi")
    assert "line 2: empty Buyer turn" in _error("Rep: hi\nBuyer:   \nRep: ok")


def test_loads_from_path_text_and_dict_alike(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(VALID))
    from_path = load_transcript(path)
    from_str_path = load_transcript(str(path))
    from_text = load_transcript(json.dumps(VALID))
    assert from_path.turns == from_str_path.turns == from_text.turns == load_transcript(VALID).turns
    assert from_path.source == str(path)


def test_golden_transcripts_match_the_published_schema() -> None:
    validator = jsonschema_rs.validator_for(SCHEMA)
    files = sorted(GOLDEN.glob("*.json"))
    assert len(files) >= 7
    for path in files:
        errors = [str(e) for e in validator.iter_errors(json.loads(path.read_text()))]
        assert not errors, f"{path.name}: {errors}"
        load_transcript(path)


def test_schema_rejects_what_the_loader_rejects_per_field() -> None:
    validator = jsonschema_rs.validator_for(SCHEMA)
    for changes in ({"turns__1__speaker": "seller"}, {"turns__0__text": " "},
                    {"version": 2}, {"turns__0__start": -1}):
        data = _broken(**changes)
        assert not validator.is_valid(data), changes
        with pytest.raises(TranscriptError):
            load_transcript(data)
