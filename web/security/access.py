"""Who may see and change what. Every endpoint that touches calls goes through here.

The rule is one function, :func:`visible_user_ids`, so it cannot drift between
endpoints: a rep sees only their own calls; a manager sees their own and those
of every member of the teams they manage; an admin sees everyone; a trainer
sees only their own practice calls (trainers author content, they do not review
people).
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from web.db.models import Call, Role, Team, User


def visible_user_ids(db: Session, user: User) -> set[int] | None:
    """User ids whose calls ``user`` may read; ``None`` means everyone (admin)."""
    if user.role is Role.admin:
        return None
    ids = {user.id}
    if user.role is Role.manager:
        ids |= set(
            db.scalars(
                select(User.id).join(Team, User.team_id == Team.id).where(
                    Team.manager_id == user.id
                )
            )
        )
    return ids


def restrict_calls(db: Session, user: User, query: Select[tuple[Call]]) -> Select[tuple[Call]]:
    """``query`` narrowed to the calls ``user`` may read."""
    ids = visible_user_ids(db, user)
    return query if ids is None else query.where(Call.user_id.in_(ids))


def can_view_user(db: Session, viewer: User, subject_id: int) -> bool:
    """May ``viewer`` read the calls and profile of user ``subject_id``?"""
    ids = visible_user_ids(db, viewer)
    return ids is None or subject_id in ids


def can_view_call(db: Session, viewer: User, call: Call) -> bool:
    return can_view_user(db, viewer, call.user_id)


def can_review_call(db: Session, viewer: User, call: Call) -> bool:
    """Override scores: the rep's manager or an admin, never the rep on their own call."""
    if viewer.role is Role.admin:
        return True
    return (
        viewer.role is Role.manager
        and call.user_id != viewer.id
        and can_view_call(db, viewer, call)
    )


def can_author(user: User) -> bool:
    """Write personas, scorecard templates and assignments."""
    return user.role in (Role.trainer, Role.admin)
