"""Assignments: a trainer asks a rep or a whole team to practise a scenario."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, StringConstraints, model_validator
from sqlalchemy import select

from web.api.deps import Author, CurrentUser, Db, State
from web.api.schemas import DbId, Strict
from web.db.models import Assignment, Role, Team, User
from web.security.access import visible_user_ids

router = APIRouter(prefix="/api/assignments", tags=["assignments"])

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


class AssignmentIn(Strict):
    persona_id: Id
    scorecard_id: Id | None = None
    rep_id: DbId | None = None
    team_id: DbId | None = None
    due: datetime | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""

    @model_validator(mode="after")
    def _one_target(self) -> AssignmentIn:
        if (self.rep_id is None) == (self.team_id is None):
            raise ValueError("give exactly one of rep_id or team_id")
        return self


class AssignmentOut(BaseModel):
    id: int
    persona_id: str
    scorecard_id: str | None
    rep_id: int | None
    team_id: int | None
    target: str
    due: datetime | None
    note: str
    created_at: datetime


def _out(db: Db, row: Assignment) -> AssignmentOut:
    if row.rep_id is not None:
        rep = db.get(User, row.rep_id)
        target = rep.display_name if rep else f"user {row.rep_id}"
    else:
        team = db.get(Team, row.team_id)
        target = f"team {team.name}" if team else f"team {row.team_id}"
    return AssignmentOut(
        id=row.id, persona_id=row.persona_id, scorecard_id=row.scorecard_id, rep_id=row.rep_id,
        team_id=row.team_id, target=target, due=row.due, note=row.note, created_at=row.created_at,
    )


@router.get("", response_model=list[AssignmentOut])
def list_assignments(user: CurrentUser, db: Db) -> list[AssignmentOut]:
    """Trainers and admins see all; managers those for their people; reps their own."""
    query = select(Assignment).order_by(Assignment.created_at.desc())
    if user.role not in (Role.trainer, Role.admin):
        ids = visible_user_ids(db, user) or {user.id}
        team_ids = set(db.scalars(select(Team.id).where(Team.manager_id == user.id)))
        if user.team_id is not None:
            team_ids.add(user.team_id)
        rows = [
            row for row in db.scalars(query)
            if row.rep_id in ids or (row.team_id is not None and row.team_id in team_ids)
        ]
    else:
        rows = list(db.scalars(query))
    return [_out(db, row) for row in rows]


@router.post("", response_model=AssignmentOut, status_code=201)
def create_assignment(body: AssignmentIn, user: Author, db: Db, state: State) -> AssignmentOut:
    """Assign a persona (and optionally a scorecard template) to a rep or a team."""
    if state.personas.get(db, body.persona_id) is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"no persona {body.persona_id!r}")
    if body.scorecard_id is not None and not state.scorecards.exists(db, body.scorecard_id):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"no scorecard template {body.scorecard_id!r}"
        )
    if body.rep_id is not None:
        rep = db.get(User, body.rep_id)
        if rep is None or not rep.is_active:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"no active user {body.rep_id}")
    if body.team_id is not None and db.get(Team, body.team_id) is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"no team {body.team_id}")
    row = Assignment(**body.model_dump(), created_by=user.id)
    db.add(row)
    db.commit()
    return _out(db, row)


@router.delete("/{assignment_id}", status_code=204)
def delete_assignment(assignment_id: DbId, _: Author, db: Db) -> None:
    row = db.get(Assignment, assignment_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no assignment {assignment_id}")
    db.delete(row)
    db.commit()
