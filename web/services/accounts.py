"""Creating and changing accounts; shared by the admin API and the ``users`` command."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from web.db.models import Role, Team, User
from web.security.passwords import hash_password


class AccountError(ValueError):
    """A request about accounts that cannot be carried out (message says why)."""


def create_user(
    db: Session,
    username: str,
    password: str,
    role: Role,
    *,
    display_name: str | None = None,
    team_id: int | None = None,
) -> User:
    """A new active user; raises :class:`AccountError` for a taken name or unknown team."""
    username = username.strip().lower()
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"user name {username!r} is taken")
    if team_id is not None and db.get(Team, team_id) is None:
        raise AccountError(f"no team with id {team_id}")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        team_id=team_id,
    )
    db.add(user)
    db.commit()
    return user


def create_team(db: Session, name: str, manager_id: int | None = None) -> Team:
    """A new team; its manager must be a manager or admin."""
    name = name.strip()
    if db.scalar(select(Team).where(Team.name == name)) is not None:
        raise AccountError(f"team name {name!r} is taken")
    check_manager(db, manager_id)
    team = Team(name=name, manager_id=manager_id)
    db.add(team)
    db.commit()
    return team


def check_manager(db: Session, manager_id: int | None) -> None:
    """Raise unless ``manager_id`` is empty or names a manager/admin."""
    if manager_id is None:
        return
    manager = db.get(User, manager_id)
    if manager is None or manager.role not in (Role.manager, Role.admin):
        raise AccountError(f"user {manager_id} is not a manager")


def user_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User)) or 0


def generate_password() -> str:
    """A random password that is easy to type from a terminal (about 100 bits)."""
    return secrets.token_urlsafe(16)
