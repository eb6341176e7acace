"""Liveness and readiness: is the database reachable, are live calls ready?"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from web.api.deps import Db, State
from web.db.migrate import current_revision

router = APIRouter(prefix="/api", tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    database_revision: str | None
    live_calls: str


@router.get("/health", response_model=Health)
def health(db: Db, state: State) -> Health:
    """No sign-in needed; says nothing about users or sessions."""
    db.execute(text("SELECT 1"))
    return Health(
        status="ok",
        database_revision=current_revision(state.engine),
        live_calls=state.live.status(),
    )
