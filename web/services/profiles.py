"""A rep's skill-gap profile and practice plan, built by the evaluator from stored sessions."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from evaluation import PersonaDescriptor, ScoreResult, SessionRecord, build_profile
from web.db.models import Call, CallStatus, User
from web.services.overrides import apply_overrides
from web.services.personas import PersonaCatalog


def persona_descriptors(db: Session, catalog: PersonaCatalog) -> list[PersonaDescriptor]:
    """What each persona drills, for the practice plan (the evaluator cannot import personas)."""
    descriptors = []
    for entry in catalog.all(db):
        p = entry.persona
        first_sentence = p.brief.split(". ")[0].rstrip(".") + "."
        descriptors.append(
            PersonaDescriptor(
                id=p.id, name=p.name, difficulty=p.difficulty, drills=list(p.skills),
                description=first_sentence,
            )
        )
    return descriptors


def rep_profile(db: Session, rep: User, catalog: PersonaCatalog) -> dict[str, Any]:
    """The evaluator's profile over the rep's scored sessions (managers' overrides included)."""
    calls = db.scalars(
        select(Call)
        .where(Call.user_id == rep.id, Call.status == CallStatus.scored)
        .order_by(Call.started_at)
    )
    records, skipped = [], 0
    history = []
    for call in calls:
        effective = apply_overrides(call.scorecard, call.overrides)
        try:
            result = ScoreResult.model_validate(effective)
        except ValidationError:
            skipped += 1  # scored by an older evaluator whose output no longer validates
            continue
        records.append(
            SessionRecord(session_id=call.id, timestamp=call.started_at, persona=call.persona_id, result=result)
        )
        history.append(
            {"session_id": call.id, "at": call.started_at.isoformat(), "overall": result.overall,
             "persona": call.persona_name or call.persona_id}
        )
    profile = build_profile(records, persona_descriptors(db, catalog), rep_id=str(rep.id))
    data = profile.model_dump(mode="json")
    if skipped:
        data["warnings"].append(f"{skipped} older session(s) could not be read and were left out")
    return {"rep": {"id": rep.id, "name": rep.display_name}, "history": history, **data}
