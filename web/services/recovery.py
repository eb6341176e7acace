"""Calls interrupted by a server stop: recover what the crash-safe session files kept.

The live call rewrites its JSON files atomically and its WAV incrementally, so
a server killed mid-call leaves a usable transcript (``complete: false``) and a
recording whose header may lag behind its data. On the next start, every call
still marked pending or live is settled: the WAV header is repaired, the files
are ingested and scored, and the call says it was cut short.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio import AudioError, repair_wav
from web.db.models import Call, CallStatus
from web.services.calls import Scorer, ingest, session_path
from web.services.session_files import RECORDING, TRANSCRIPT, SessionFilesError

logger = logging.getLogger("web.recovery")

RECOVERED_NOTE = "recovered after the server stopped during the call"


def recover_interrupted_calls(db: Session, recordings_dir: Path, scorer: Scorer) -> int:
    """Settle calls left pending/live by a previous process; returns how many were recovered."""
    recovered = 0
    stuck = db.scalars(select(Call).where(Call.status.in_([CallStatus.pending, CallStatus.live])))
    for call in list(stuck):
        try:
            directory = session_path(recordings_dir, call)
        except SessionFilesError as error:
            call.status, call.status_detail = CallStatus.failed, str(error)[:500]
            continue
        if not (directory / TRANSCRIPT).is_file():
            call.status, call.status_detail = CallStatus.failed, "the server stopped before the call started"
            continue
        recording = directory / RECORDING
        if recording.is_file():
            try:
                report = repair_wav(recording)
                if report.repaired:
                    logger.info("call %s: repaired recording header (%d frames)", call.id, report.frames)
            except AudioError as error:
                logger.warning("call %s: recording cannot be repaired: %s", call.id, error)
        ingest(db, call, recordings_dir, scorer)
        call.status_detail = f"{RECOVERED_NOTE}; {call.status_detail}".rstrip("; ")[:500]
        recovered += 1
    db.commit()
    return recovered
