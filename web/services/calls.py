"""The life of a call record: created, live, ingested from its files, scored.

The live call (``simulator``) writes a session directory; this module turns it
into a database row the UI can list, replay and review. Scoring is delegated to
a :data:`Scorer` (the evaluator) and its failure is recorded, never fatal: the
call stays available for replay with the reason shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from web.db.models import Call, CallStatus, User, utcnow
from web.services.overrides import apply_overrides
from web.services.session_files import SessionFilesError, read_session_dir

logger = logging.getLogger("web.calls")

Scorer = Callable[[Session, dict[str, Any], str | None], dict[str, Any]]
"""(db, transcript, scorecard template id or None for the default) -> scorecard JSON."""


def new_call(
    db: Session,
    user: User,
    persona_id: str,
    persona_name: str,
    *,
    scorecard_id: str | None = None,
    assignment_id: int | None = None,
) -> Call:
    """A pending call; its session directory is named after its id."""
    call = Call(
        user_id=user.id,
        persona_id=persona_id,
        persona_name=persona_name,
        scorecard_id=scorecard_id,
        assignment_id=assignment_id,
        status=CallStatus.pending,
    )
    db.add(call)
    db.flush()
    call.session_dir = call.id
    db.commit()
    return call


def session_path(recordings_dir: Path, call: Call) -> Path:
    """Absolute session directory of ``call``, guaranteed inside ``recordings_dir``."""
    root = recordings_dir.resolve()
    path = (root / (call.session_dir or call.id)).resolve()
    if not path.is_relative_to(root):
        raise SessionFilesError(f"session dir {call.session_dir!r} is outside the recordings dir")
    return path


def ingest(db: Session, call: Call, recordings_dir: Path, scorer: Scorer) -> Call:
    """Read the call's files into its row and score it; the row says what went wrong."""
    directory = session_path(recordings_dir, call)
    call.ended_at = call.ended_at or utcnow()
    try:
        files = read_session_dir(directory)
    except SessionFilesError as error:
        logger.warning("call %s left no usable files: %s", call.id, error)
        call.status, call.status_detail = CallStatus.failed, str(error)[:500]
        db.commit()
        return call
    call.transcript = files.transcript
    call.events = files.events
    call.metrics = files.metrics
    call.duration_s = float(files.transcript.get("duration_s") or 0.0)
    if call.started_at and call.duration_s:
        call.ended_at = max(call.ended_at, call.started_at + timedelta(seconds=call.duration_s))
    score_call(db, call, scorer)
    if not files.complete and call.status is CallStatus.scored:
        call.status_detail = "the call was cut short; scored on what was said"
    return call


def score_call(db: Session, call: Call, scorer: Scorer) -> Call:
    """(Re)score a call from its stored transcript."""
    if call.transcript is None:
        call.status, call.status_detail = CallStatus.failed, "no transcript to score"
        db.commit()
        return call
    try:
        scorecard = scorer(db, call.transcript, call.scorecard_id)
    except Exception as error:  # the evaluator's failure must not lose the call
        logger.exception("scoring call %s failed", call.id)
        call.status, call.status_detail = CallStatus.unscored, f"scoring failed: {error}"[:500]
        db.commit()
        return call
    call.scorecard = scorecard
    call.status, call.status_detail = CallStatus.scored, ""
    refresh_totals(call)
    db.commit()
    return call


def refresh_totals(call: Call) -> None:
    """Denormalised overall/passed after scoring or an override (for lists and filters)."""
    effective = apply_overrides(call.scorecard, call.overrides)
    if effective is None:
        call.overall, call.passed = None, None
        return
    overall = effective.get("overall")
    call.overall = float(overall) if isinstance(overall, (int, float)) else None
    passed = effective.get("passed")
    call.passed = bool(passed) if isinstance(passed, bool) else None
