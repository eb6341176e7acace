"""Reading the files a call leaves behind (the live-call contract).

A session directory holds ``recording.wav`` (stereo: rep left, buyer right),
``transcript.json`` (transcript format version 1), ``events.json`` (brain
events with call time ``t`` plus the session timeline) and ``metrics.json``.
Only the transcript is required; the others are kept when present. Problems
are reported with the file and the field, e.g. ``transcript.json: turns[3].start:
expected a number``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRANSCRIPT = "transcript.json"
EVENTS = "events.json"
METRICS = "metrics.json"
RECORDING = "recording.wav"
MAX_JSON_BYTES = 20_000_000


class SessionFilesError(ValueError):
    """A session directory that cannot be imported; the message names file and field."""


@dataclass(frozen=True)
class SessionFiles:
    transcript: dict[str, Any]
    events: dict[str, Any] | None
    metrics: dict[str, Any] | None
    recording: Path | None

    @property
    def complete(self) -> bool:
        """False when the live call wrote ``complete: false`` (it was cut short)."""
        return bool(self.transcript.get("complete", True))


def _read_json(path: Path) -> dict[str, Any]:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise SessionFilesError(f"{path.name}: larger than {MAX_JSON_BYTES} bytes")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SessionFilesError(f"{path.name}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise SessionFilesError(f"{path.name}: expected a JSON object, got {type(data).__name__}")
    return data


def check_transcript(doc: dict[str, Any], name: str = TRANSCRIPT) -> None:
    """Raise :class:`SessionFilesError` unless ``doc`` follows transcript version 1."""
    if doc.get("version") != 1:
        raise SessionFilesError(f"{name}: version: expected 1, got {doc.get('version')!r}")
    turns = doc.get("turns")
    if not isinstance(turns, list):
        raise SessionFilesError(f"{name}: turns: expected a list")
    for index, turn in enumerate(turns):
        where = f"{name}: turns[{index}]"
        if not isinstance(turn, dict):
            raise SessionFilesError(f"{where}: expected an object")
        if turn.get("speaker") not in ("rep", "buyer"):
            raise SessionFilesError(f"{where}.speaker: expected 'rep' or 'buyer'")
        for key in ("start", "end"):
            if not isinstance(turn.get(key), (int, float)) or isinstance(turn.get(key), bool):
                raise SessionFilesError(f"{where}.{key}: expected a number of seconds")
        if not isinstance(turn.get("text"), str):
            raise SessionFilesError(f"{where}.text: expected a string")
    if not isinstance(doc.get("events", []), list):
        raise SessionFilesError(f"{name}: events: expected a list")
    duration = doc.get("duration_s")
    if not isinstance(duration, (int, float)) or duration < 0:
        raise SessionFilesError(f"{name}: duration_s: expected a non-negative number")


def read_session_dir(directory: Path) -> SessionFiles:
    """Load and check the files of one call."""
    transcript_path = directory / TRANSCRIPT
    if not transcript_path.is_file():
        raise SessionFilesError(f"{directory}: no {TRANSCRIPT} (the call left no transcript)")
    transcript = _read_json(transcript_path)
    check_transcript(transcript)
    events = _read_json(directory / EVENTS) if (directory / EVENTS).is_file() else None
    metrics = _read_json(directory / METRICS) if (directory / METRICS).is_file() else None
    recording = directory / RECORDING
    return SessionFiles(
        transcript=transcript,
        events=events,
        metrics=metrics,
        recording=recording if recording.is_file() else None,
    )
