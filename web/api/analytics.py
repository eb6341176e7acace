"""Skill profiles, the manager dashboard (heatmap and trends) and score exports (CSV, JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import Response
from sqlalchemy import select

from web.api.deps import CurrentUser, Db, Manager, State
from web.api.schemas import DbId
from web.db.models import Call, CallStatus, Role, User
from web.security.access import can_view_user, restrict_calls, visible_user_ids
from web.services.analytics import export_csv, export_rows, heatmap, weekly_trend
from web.services.profiles import rep_profile

router = APIRouter(prefix="/api", tags=["analytics"])


@router.get("/team/dashboard")
def dashboard(user: Manager, db: Db) -> dict[str, Any]:
    """Reps x competencies heatmap over recent sessions, per-rep trends, weekly team trend."""
    ids = visible_user_ids(db, user)
    reps_query = select(User).where(User.role == Role.rep).order_by(User.display_name)
    if ids is not None:
        reps_query = reps_query.where(User.id.in_(ids - {user.id}))
    reps = list(db.scalars(reps_query))
    calls = list(
        db.scalars(
            select(Call)
            .where(Call.user_id.in_([r.id for r in reps]), Call.status == CallStatus.scored)
            .order_by(Call.started_at.desc())
        )
    )
    by_rep: dict[int, list[Call]] = {r.id: [] for r in reps}
    for call in calls:
        by_rep[call.user_id].append(call)
    grid = heatmap(by_rep)
    return {
        "reps": [
            {"id": r.id, "name": r.display_name, "team": r.team.name if r.team else None, **grid["rows"][r.id]}
            for r in reps
        ],
        "competencies": grid["competencies"],
        "team": grid["team"],
        "weekly": weekly_trend(calls),
    }


def _export_calls(
    user: User, db: Db, rep_id: int | None, persona_id: str | None,
    since: datetime | None, until: datetime | None,
) -> list[Call]:
    query = restrict_calls(db, user, select(Call)).where(Call.status == CallStatus.scored)
    if rep_id is not None:
        query = query.where(Call.user_id == rep_id)
    if persona_id:
        query = query.where(Call.persona_id == persona_id)
    if since is not None:
        query = query.where(Call.started_at >= since)
    if until is not None:
        query = query.where(Call.started_at <= until)
    return list(db.scalars(query.order_by(Call.started_at)))


PersonaFilter = Annotated[str | None, Query(max_length=64)]


@router.get("/export/scores.json")
def export_json(
    user: CurrentUser, db: Db, rep_id: DbId | None = None, persona_id: PersonaFilter = None,
    since: datetime | None = None, until: datetime | None = None,
) -> list[dict[str, Any]]:
    """Scored sessions the user may see, with competency, criterion and metric values."""
    return export_rows(_export_calls(user, db, rep_id, persona_id, since, until))


@router.get("/export/scores.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_scores_csv(
    user: CurrentUser, db: Db, rep_id: DbId | None = None, persona_id: PersonaFilter = None,
    since: datetime | None = None, until: datetime | None = None,
) -> Response:
    """The same export as CSV (one row per session; formula-like cells are neutralised)."""
    rows = export_rows(_export_calls(user, db, rep_id, persona_id, since, until))
    return Response(
        export_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="scores.csv"'},
    )


@router.get("/profile")
def my_profile(user: CurrentUser, db: Db, state: State) -> dict[str, Any]:
    """The signed-in user's skill profile: levels, trends, weakest areas, practice plan."""
    return rep_profile(db, user, state.personas)


@router.get("/profile/{user_id}", responses={404: {"description": "no such rep, or not yours"}})
def rep_profile_for(user_id: DbId, user: CurrentUser, db: Db, state: State) -> dict[str, Any]:
    """Another rep's profile (their manager or an admin)."""
    rep = db.get(User, user_id)
    if rep is None or not can_view_user(db, user, user_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such rep, or you do not manage them")
    return rep_profile(db, rep, state.personas)
