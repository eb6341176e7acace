"""Load and validate transcripts: the version-1 JSON format and plain ``Rep:``/``Buyer:`` text.

The evaluator parses the JSON itself (it must not import the simulator), so the
contract in ``docs/transcript-format.md`` is enforced here, with every problem
reported as ``turns[3].end: ...`` or ``line 7: ...`` so the producer can fix it.
Unknown extra fields and unknown event types are tolerated: the format is
extended, never renamed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.errors import TranscriptError

SPEAKERS = ("rep", "buyer")
OVERLAP_TOLERANCE_S = 0.05
"""A turn may start this much before the previous turn of the same speaker ends
(timestamps from STT and VAD are rounded); more than that is an error."""

_EVENT_REQUIRED: dict[str, tuple[str, ...]] = {
    "fact_revealed": ("fact",),
    "objection_raised": ("objection",),
    "objection_resolved": ("objection",),
    "objection_escalated": ("objection",),
    "trust_changed": ("trust",),
    "guardrail_violation": ("rule",),
    "call_ended": ("reason",),
}


@dataclass(frozen=True, slots=True)
class Turn:
    """One utterance; ``start``/``end`` are seconds from the call start, or None for plain text."""

    index: int
    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    interrupted: bool = False

    @property
    def duration(self) -> float:
        if self.start is None or self.end is None:
            return 0.0
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Event:
    """One buyer-brain event: ``turn`` is the index of the rep turn that caused it (or None)."""

    type: str
    turn: int | None
    data: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass(frozen=True, slots=True)
class Transcript:
    """A validated call: turns in start order, optional buyer-brain events.

    ``timed`` is False for plain-text transcripts; time-based metrics are then
    unavailable. ``has_events`` separates simulated calls (scored against the
    buyer brain's ground truth) from real calls (scored from the words alone).
    """

    turns: tuple[Turn, ...]
    events: tuple[Event, ...] = ()
    persona: str | None = None
    duration_s: float | None = None
    timed: bool = True
    has_events: bool = False
    source: str = "<transcript>"

    def speaker_turns(self, speaker: str) -> list[Turn]:
        return [turn for turn in self.turns if turn.speaker == speaker]


def load_transcript(data: str | os.PathLike[str] | dict[str, Any], *, source: str | None = None
                    ) -> Transcript:
    """Load a transcript from a path, a parsed dict, JSON text or ``Rep:``/``Buyer:`` text.

    A ``str`` is taken as a path when it is a single line naming an existing
    file; otherwise as content (JSON if it starts with ``{``, else plain text).
    Raises :class:`TranscriptError` naming the turn, field or line at fault.
    """
    if isinstance(data, dict):
        return parse_transcript_dict(data, source=source or "<transcript>")
    if isinstance(data, os.PathLike) or (isinstance(data, str) and _names_a_file(data)):
        path = Path(data)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise TranscriptError(str(path), [f"cannot read the file: {error}"]) from error
        return parse_transcript_text(text, source=source or str(path))
    if not isinstance(data, str):
        raise TranscriptError(source or "<transcript>",
                              [f"expected a path, a dict or text, got {type(data).__name__}"])
    return parse_transcript_text(data, source=source or "<transcript>")


def _names_a_file(text: str) -> bool:
    """True when a one-line string is the path of an existing file (not JSON or Rep: text)."""
    if "\n" in text or not text.strip() or text.lstrip().startswith(("{", "[")):
        return False
    try:
        return Path(text).is_file()
    except OSError:  # e.g. a name too long to be a path
        return False


def parse_transcript_text(text: str, *, source: str = "<transcript>") -> Transcript:
    """JSON content if it starts with ``{``, otherwise ``Rep:``/``Buyer:`` lines."""
    stripped = text.lstrip("\ufeff").strip()
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise TranscriptError(source, [
                f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
            ]) from error
        if not isinstance(data, dict):
            raise TranscriptError(source, [f"expected a JSON object, got {type(data).__name__}"])
        return parse_transcript_dict(data, source=source)
    return parse_plain_text(stripped, source=source)


def parse_plain_text(text: str, *, source: str = "<transcript>") -> Transcript:
    """``Rep: ...`` / ``Buyer: ...`` lines (case-insensitive); unprefixed lines continue a turn."""
    turns: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, colon, rest = line.partition(":")
        speaker = head.strip().lower()
        if colon and speaker in SPEAKERS:
            content = rest.strip()
            if not content:
                problems.append(f"line {number}: empty {head.strip()} turn "
                                "(no words after the colon)")
                continue
            turns.append({"speaker": speaker, "text": content, "line": number})
        elif turns:
            turns[-1]["text"] += " " + line
        else:
            problems.append(f"line {number}: expected a line starting with 'Rep:' or 'Buyer:', "
                            f"got {line[:40]!r}")
    if problems:
        raise TranscriptError(source, problems)
    parsed = tuple(Turn(index=i, speaker=t["speaker"], text=t["text"]) for i, t in enumerate(turns))
    return Transcript(turns=parsed, timed=False, source=source)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_turn(i: int, raw: Any, problems: list[str]) -> Turn | None:
    where = f"turns[{i}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected an object, got {type(raw).__name__}")
        return None
    ok = True
    speaker = raw.get("speaker")
    if "speaker" not in raw:
        problems.append(f"{where}.speaker: missing (expected 'rep' or 'buyer')")
        ok = False
    elif speaker not in SPEAKERS:
        problems.append(f"{where}.speaker: {speaker!r} is not one of 'rep', 'buyer'")
        ok = False
    for key in ("start", "end"):
        if key not in raw:
            problems.append(f"{where}.{key}: missing (expected seconds from the call start)")
            ok = False
        elif not _is_number(raw[key]) or raw[key] < 0:
            problems.append(f"{where}.{key}: {raw[key]!r} is not a number of seconds >= 0")
            ok = False
    text = raw.get("text")
    if "text" not in raw:
        problems.append(f"{where}.text: missing")
        ok = False
    elif not isinstance(text, str):
        problems.append(f"{where}.text: expected a string, got {type(text).__name__}")
        ok = False
    elif not text.strip():
        problems.append(f"{where}.text: empty turn (no words)")
        ok = False
    interrupted = raw.get("interrupted", False)
    if interrupted is not None and not isinstance(interrupted, bool):
        problems.append(f"{where}.interrupted: expected true or false, got {interrupted!r}")
        ok = False
    if ok and raw["end"] < raw["start"]:
        problems.append(f"{where}.end: {raw['end']} is before start {raw['start']}")
        ok = False
    if not ok:
        return None
    return Turn(index=i, speaker=speaker, text=text, start=float(raw["start"]),
                end=float(raw["end"]), interrupted=bool(interrupted))


def _check_order(turns: list[Turn], problems: list[str]) -> None:
    """Start times must not decrease; a speaker must not overlap their own previous turn.

    Overlap between the two speakers is legitimate (an interruption or a
    backchannel), so only a turn starting before the previous turn *of the same
    speaker* has ended is rejected.
    """
    last_of: dict[str, Turn] = {}
    previous: Turn | None = None
    for turn in turns:
        assert turn.start is not None and turn.end is not None
        if previous is not None and previous.start is not None and turn.start < previous.start:
            problems.append(f"turns[{turn.index}].start: {turn.start} is before the start of "
                            f"turns[{previous.index}] ({previous.start}); turns must be sorted "
                            "by start time")
        mine = last_of.get(turn.speaker)
        if mine is not None and mine.end is not None \
                and turn.start < mine.end - OVERLAP_TOLERANCE_S:
            problems.append(f"turns[{turn.index}].start: {turn.start} overlaps the previous "
                            f"{turn.speaker} turn turns[{mine.index}] (ends {mine.end}); "
                            "a speaker cannot talk over themselves")
        last_of[turn.speaker] = turn
        previous = turn


def _check_event(i: int, raw: Any, turns_count: int, problems: list[str]) -> Event | None:
    where = f"events[{i}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected an object, got {type(raw).__name__}")
        return None
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind:
        problems.append(f"{where}.type: missing or not a string")
        return None
    turn = raw.get("turn")
    if turn is not None and (not isinstance(turn, int) or isinstance(turn, bool)
                             or not 0 <= turn < turns_count):
        problems.append(f"{where}.turn: {turn!r} is not the index of a turn "
                        f"(0..{turns_count - 1}) or null")
        return None
    missing = [key for key in _EVENT_REQUIRED.get(kind, ()) if key not in raw]
    if missing:
        problems.append(f"{where}: {kind} event without {', '.join(missing)}")
        return None
    if kind == "trust_changed" and not _is_number(raw["trust"]):
        problems.append(f"{where}.trust: {raw['trust']!r} is not a number")
        return None
    data = {key: value for key, value in raw.items() if key not in ("type", "turn")}
    return Event(type=kind, turn=turn, data=data)


def parse_transcript_dict(data: dict[str, Any], *, source: str = "<transcript>") -> Transcript:
    """Validate a version-1 transcript dict; all problems are reported together."""
    problems: list[str] = []
    version = data.get("version")
    if version != 1:
        problems.append(f"version: expected 1, got {version!r}" if "version" in data
                        else "version: missing (expected 1)")
    persona = data.get("persona")
    if persona is not None and not isinstance(persona, str):
        problems.append(f"persona: expected a persona id or null, got {persona!r}")
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list):
        problems.append("turns: missing (expected a list of turns)" if "turns" not in data
                        else f"turns: expected a list, got {type(raw_turns).__name__}")
        raw_turns = []
    turns = [turn for i, raw in enumerate(raw_turns)
             if (turn := _check_turn(i, raw, problems)) is not None]
    if len(turns) == len(raw_turns):
        _check_order(turns, problems)
    duration = data.get("duration_s")
    last_end = max((turn.end or 0.0 for turn in turns), default=0.0)
    if "duration_s" not in data:
        problems.append("duration_s: missing (expected the call length in seconds)")
    elif not _is_number(duration) or duration < 0:
        problems.append(f"duration_s: {duration!r} is not a number of seconds >= 0")
    elif duration + 0.5 < last_end:
        problems.append(f"duration_s: {duration} is shorter than the last turn, which ends at "
                        f"{last_end}")
    raw_events = data.get("events", [])
    if raw_events is None:
        raw_events = []
    if not isinstance(raw_events, list):
        problems.append(f"events: expected a list, got {type(raw_events).__name__}")
        raw_events = []
    events = [event for i, raw in enumerate(raw_events)
              if (event := _check_event(i, raw, len(raw_turns), problems)) is not None]
    if problems:
        raise TranscriptError(source, problems)
    return Transcript(
        turns=tuple(turns),
        events=tuple(events),
        persona=persona,
        duration_s=float(duration),
        timed=True,
        has_events=bool(events),
        source=source,
    )
