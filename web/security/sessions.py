"""Server-side sign-in sessions behind an opaque cookie.

The cookie holds 32 random bytes; the database keeps only their SHA-256, so a
leaked database does not let anyone sign in, and signing out (or an admin
disabling a user) takes effect at once. No signing secret has to be configured.
Each session also carries its own CSRF token, which the browser must echo in
the ``X-CSRF-Token`` header on every state-changing request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from web.db.models import AuthSession, User, utcnow

COOKIE_NAME = "roleplay_session"
CSRF_HEADER = "X-CSRF-Token"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(db: Session, user: User, hours: float) -> tuple[str, AuthSession]:
    """A new session for ``user``; returns the cookie token (shown once) and the row."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = AuthSession(
        token_hash=_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.add(row)
    db.execute(delete(AuthSession).where(AuthSession.expires_at < now))  # tidy old rows
    db.commit()
    return token, row


def lookup_session(db: Session, token: str | None) -> AuthSession | None:
    """The live session for a cookie token, or None (unknown, expired, user disabled)."""
    if not token or len(token) > 200:
        return None
    row = db.scalar(select(AuthSession).where(AuthSession.token_hash == _digest(token)))
    if row is None or row.expires_at < utcnow() or not row.user.is_active:
        return None
    return row


def end_session(db: Session, row: AuthSession) -> None:
    """Sign out: the token stops working immediately."""
    db.delete(row)
    db.commit()


def end_all_sessions(db: Session, user_id: int) -> None:
    """Sign a user out everywhere (password change, account disabled)."""
    db.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
    db.commit()


def csrf_matches(row: AuthSession, header_value: str | None) -> bool:
    """Constant-time comparison of the echoed CSRF token."""
    return bool(header_value) and secrets.compare_digest(row.csrf_token, header_value or "")
