"""The relational schema of the web app (SQLAlchemy 2 declarative models).

JSON documents produced by other layers (transcript, events, metrics, scorecard)
are stored as JSON columns exactly as those layers wrote them, so the web app
never has to follow their internal changes; what the web app itself decides
(who owns a call, comments, score overrides, assignments) is relational.
Recordings stay on disk; a call row keeps the path relative to the recordings
directory so the directory can move.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware 'now'; every timestamp in the database is UTC."""
    return datetime.now(UTC)


def new_id() -> str:
    """Random, unguessable public id (call ids appear in URLs)."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """A DateTime that always comes back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime stored; use web.db.models.utcnow()")
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Role(str, enum.Enum):
    """What a user may do. Admin can do everything the other roles can."""

    rep = "rep"
    manager = "manager"
    trainer = "trainer"
    admin = "admin"


class CallStatus(str, enum.Enum):
    """Life cycle of a practice call."""

    pending = "pending"  # created, the browser has not connected yet
    live = "live"  # the WebSocket call is running
    scored = "scored"  # ended and scored
    unscored = "unscored"  # ended, but scoring failed (the reason is kept)
    failed = "failed"  # the call itself failed or produced no session files


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True, name="fk_teams_manager")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(
        back_populates="team", foreign_keys="User.team_id", order_by="User.username"
    )
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, name="user_role", native_enum=False, length=16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])


class AuthSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie token is stored."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship()


class SigninFailure(Base):
    """One failed sign-in, kept for a while to rate-limit guessing (per name and per address)."""

    __tablename__ = "signin_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class CustomPersona(Base):
    """A persona authored in the trainer views (the built-in library stays in YAML files)."""

    __tablename__ = "personas"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    yaml_text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ScorecardTemplate(Base):
    """A scorecard template authored in the trainer views (built-ins stay in YAML files)."""

    __tablename__ = "scorecard_templates"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    yaml_text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Assignment(Base):
    """A scenario (persona + scorecard) a trainer asked a rep or a whole team to practise."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persona_id: Mapped[str] = mapped_column(String(64))
    scorecard_id: Mapped[str | None] = mapped_column(String(64))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(500), default="")
    due: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Call(Base):
    """One practice call: who, which scenario, where its files are, and its score."""

    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_user_started", "user_id", "started_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    persona_id: Mapped[str] = mapped_column(String(64))
    persona_name: Mapped[str] = mapped_column(String(120), default="")
    scorecard_id: Mapped[str | None] = mapped_column(String(64))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    status: Mapped[CallStatus] = mapped_column(
        Enum(CallStatus, name="call_status", native_enum=False, length=16),
        default=CallStatus.pending,
    )
    status_detail: Mapped[str] = mapped_column(String(500), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    duration_s: Mapped[float | None] = mapped_column(Float)
    session_dir: Mapped[str | None] = mapped_column(String(500))  # relative to recordings dir
    transcript: Mapped[dict[str, Any] | None]
    events: Mapped[dict[str, Any] | None]  # events.json: brain events with call time + timeline
    metrics: Mapped[dict[str, Any] | None]
    scorecard: Mapped[dict[str, Any] | None]  # as scored, before overrides
    overall: Mapped[float | None] = mapped_column(Float)  # after overrides
    passed: Mapped[bool | None] = mapped_column(Boolean)

    user: Mapped[User] = relationship()
    comments: Mapped[list[Comment]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="Comment.t"
    )
    overrides: Mapped[list[ScoreOverride]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="ScoreOverride.id"
    )


class Comment(Base):
    """A timestamped note on a call's replay."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    t: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


class ScoreOverride(Base):
    """A manager's correction of one criterion score; all of them are kept as history."""

    __tablename__ = "score_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    competency: Mapped[str] = mapped_column(String(64))
    criterion: Mapped[str] = mapped_column(String(64))
    original_score: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(1000))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship(back_populates="overrides")
    author: Mapped[User | None] = relationship()
