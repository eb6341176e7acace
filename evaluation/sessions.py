"""Stored sessions on disk, until the web app's database holds them.

Layout (documented in ``docs/evaluation.md``)::

    <sessions_dir>/<rep_id>/<session_id>/transcript.json   (or transcript.txt)
    <sessions_dir>/<rep_id>/<session_id>/meta.json         (optional)

``meta.json`` may hold ``timestamp`` (ISO 8601), ``scorecard`` (id or path)
and ``persona`` (id). Each session is scored on load; a broken session is
skipped with a warning naming its file, so one bad file does not hide a rep's
profile.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from evaluation.engine import score
from evaluation.errors import EvaluationInputError
from evaluation.profile import SessionRecord
from evaluation.scorecard import Scorecard, load_scorecard

TRANSCRIPT_NAMES = ("transcript.json", "transcript.txt")


def list_reps(sessions_dir: Path) -> list[str]:
    if not sessions_dir.is_dir():
        return []
    return sorted(p.name for p in sessions_dir.iterdir() if p.is_dir())


def _meta(path: Path) -> dict:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def _timestamp(value: object, fallback: Path) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return datetime.fromtimestamp(fallback.stat().st_mtime).astimezone()


def load_rep_sessions(sessions_dir: Path, rep_id: str, *, default_scorecard: str = "ae",
                      ) -> tuple[list[SessionRecord], list[str]]:
    """Score every session of ``rep_id``; returns the records and warnings for skipped ones.

    Raises ``FileNotFoundError`` naming the known reps when ``rep_id`` has no directory.
    """
    rep_dir = sessions_dir / rep_id
    if not rep_dir.is_dir():
        known = ", ".join(list_reps(sessions_dir)) or "none"
        raise FileNotFoundError(f"{rep_dir}: no sessions for rep {rep_id!r} (reps found: {known})")
    cards: dict[str, Scorecard] = {}
    records: list[SessionRecord] = []
    warnings: list[str] = []
    for session_dir in sorted(p for p in rep_dir.iterdir() if p.is_dir()):
        transcript = next((session_dir / n for n in TRANSCRIPT_NAMES
                           if (session_dir / n).is_file()), None)
        if transcript is None:
            warnings.append(f"{session_dir}: skipped, no transcript.json or transcript.txt")
            continue
        meta_path = session_dir / "meta.json"
        try:
            meta = _meta(meta_path)
            card_ref = str(meta.get("scorecard") or default_scorecard)
            if card_ref not in cards:
                cards[card_ref] = load_scorecard(card_ref)
            result = score(transcript, cards[card_ref])
            timestamp = _timestamp(meta.get("timestamp"), transcript)
        except (EvaluationInputError, ValueError) as error:
            warnings.append(f"{session_dir}: skipped: {error}")
            continue
        records.append(SessionRecord(session_id=session_dir.name, timestamp=timestamp,
                                     persona=meta.get("persona") or result.persona,
                                     result=result))
    return records, warnings
