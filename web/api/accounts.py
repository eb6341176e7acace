"""Users and teams: admins manage them; managers and trainers read what they need."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import select

from web.api.deps import Admin, CurrentUser, Db
from web.api.schemas import DbId, DisplayName, Password, Strict, UserOut, Username
from web.db.models import Role, Team, User
from web.security.access import visible_user_ids
from web.security.passwords import WeakPasswordError, hash_password
from web.security.sessions import end_all_sessions
from web.services.accounts import AccountError, check_manager, create_team, create_user

router = APIRouter(prefix="/api", tags=["accounts"])


class UserCreate(Strict):
    username: Username
    display_name: DisplayName | None = None
    password: Password
    role: Role = Role.rep
    team_id: DbId | None = None


class UserPatch(Strict):
    display_name: DisplayName | None = None
    role: Role | None = None
    team_id: DbId | None = None
    clear_team: bool = False
    is_active: bool | None = None
    password: Password | None = None


class TeamIn(Strict):
    name: DisplayName
    manager_id: DbId | None = None


class TeamOut(BaseModel):
    id: int
    name: str
    manager_id: int | None
    manager_name: str | None
    member_ids: list[int]

    @classmethod
    def of(cls, team: Team) -> TeamOut:
        return cls(
            id=team.id,
            name=team.name,
            manager_id=team.manager_id,
            manager_name=team.manager.display_name if team.manager else None,
            member_ids=[m.id for m in team.members],
        )


def _bad(error: Exception) -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, str(error))


@router.get("/users", response_model=list[UserOut])
def list_users(user: CurrentUser, db: Db, role: Role | None = None) -> list[UserOut]:
    """Admins see everyone, managers their teams, trainers the reps they can assign to."""
    query = select(User).order_by(User.display_name)
    if user.role is Role.trainer:
        query = query.where(User.role == Role.rep, User.is_active)
    elif user.role is not Role.admin:
        ids = visible_user_ids(db, user) or set()
        query = query.where(User.id.in_(ids))
    if role is not None:
        query = query.where(User.role == role)
    return [UserOut.of(u) for u in db.scalars(query)]


@router.post("/users", response_model=UserOut, status_code=201)
def add_user(body: UserCreate, _: Admin, db: Db) -> UserOut:
    """Create an account (admin only)."""
    try:
        return UserOut.of(
            create_user(
                db, body.username, body.password, body.role,
                display_name=body.display_name, team_id=body.team_id,
            )
        )
    except (AccountError, WeakPasswordError) as error:
        raise _bad(error) from None


@router.patch("/users/{user_id}", response_model=UserOut)
def change_user(user_id: DbId, body: UserPatch, admin: Admin, db: Db) -> UserOut:
    """Change role, team, name, password or disable an account (admin only)."""
    target = db.get(User, user_id)
    if target is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user with id {user_id}")
    if target.id == admin.id and (body.is_active is False or body.role not in (None, Role.admin)):
        raise _bad(ValueError("you cannot disable or demote your own admin account"))
    if body.team_id is not None and db.get(Team, body.team_id) is None:
        raise _bad(ValueError(f"no team with id {body.team_id}"))
    if body.display_name is not None:
        target.display_name = body.display_name
    if body.role is not None:
        target.role = body.role
    if body.clear_team:
        target.team_id = None
    elif body.team_id is not None:
        target.team_id = body.team_id
    if body.password is not None:
        try:
            target.password_hash = hash_password(body.password)
        except WeakPasswordError as error:
            raise _bad(error) from None
    if body.is_active is not None:
        target.is_active = body.is_active
    db.commit()
    if body.is_active is False or body.password is not None:
        end_all_sessions(db, target.id)
    db.refresh(target)
    return UserOut.of(target)


@router.get("/teams", response_model=list[TeamOut])
def list_teams(user: CurrentUser, db: Db) -> list[TeamOut]:
    """Admins and trainers see all teams, managers the ones they manage, reps their own."""
    query = select(Team).order_by(Team.name)
    if user.role is Role.manager:
        query = query.where(Team.manager_id == user.id)
    elif user.role is Role.rep:
        query = query.where(Team.id == user.team_id)
    return [TeamOut.of(t) for t in db.scalars(query)]


@router.post("/teams", response_model=TeamOut, status_code=201)
def add_team(body: TeamIn, _: Admin, db: Db) -> TeamOut:
    """Create a team (admin only)."""
    try:
        return TeamOut.of(create_team(db, body.name, body.manager_id))
    except AccountError as error:
        raise _bad(error) from None


@router.patch("/teams/{team_id}", response_model=TeamOut)
def change_team(team_id: DbId, body: TeamIn, _: Admin, db: Db) -> TeamOut:
    """Rename a team or change its manager (admin only)."""
    team = db.get(Team, team_id)
    if team is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no team with id {team_id}")
    clash = db.scalar(select(Team).where(Team.name == body.name, Team.id != team_id))
    if clash is not None:
        raise _bad(ValueError(f"team name {body.name!r} is taken"))
    try:
        check_manager(db, body.manager_id)
    except AccountError as error:
        raise _bad(error) from None
    team.name, team.manager_id = body.name, body.manager_id
    db.commit()
    db.refresh(team)
    return TeamOut.of(team)
