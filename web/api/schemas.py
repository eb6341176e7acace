"""Request and response bodies shared by several routers.

Every request model forbids unknown fields and bounds every string and number,
so invalid input is a 422 naming the field, never a server error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from web.db.models import Role, User

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]
DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]
"""A row id: bounded so no request can overflow a database integer."""


class Strict(BaseModel):
    """Base for request bodies: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None
    team_name: str | None
    is_active: bool

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            team_id=user.team_id,
            team_name=user.team.name if user.team else None,
            is_active=user.is_active,
        )


class Me(BaseModel):
    user: UserOut
    csrf_token: str = Field(description="Echo in the X-CSRF-Token header on POST/PUT/PATCH/DELETE.")
    expires_at: datetime


class Problem(BaseModel):
    detail: str
