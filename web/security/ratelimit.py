"""Sign-in rate limiting, stored in the database so it holds across workers and restarts.

A user name is locked after ``PER_USER`` failures within ``WINDOW`` (online
guessing of one account); an address after ``PER_ADDRESS`` (spraying many
accounts). A successful sign-in clears that user's failures.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from web.db.models import SigninFailure, utcnow

WINDOW = timedelta(minutes=15)
PER_USER = 5
PER_ADDRESS = 20


def retry_after_s(db: Session, username: str, address: str) -> int:
    """Seconds until another attempt is allowed; 0 when allowed now."""
    since = utcnow() - WINDOW
    rows = db.execute(
        select(SigninFailure.username, SigninFailure.address, SigninFailure.at)
        .where(SigninFailure.at >= since)
        .where(or_(SigninFailure.username == username, SigninFailure.address == address))
        .order_by(SigninFailure.at)
    ).all()
    wait = 0.0
    for key, limit in ((0, PER_USER), (1, PER_ADDRESS)):
        value = (username, address)[key]
        times = [row.at for row in rows if row[key] == value]
        if len(times) >= limit:
            unlock = times[-limit] + WINDOW
            wait = max(wait, (unlock - utcnow()).total_seconds())
    return int(wait) + 1 if wait > 0 else 0


def record_failure(db: Session, username: str, address: str) -> None:
    """Remember one failed attempt (and drop records older than the window)."""
    db.add(SigninFailure(username=username[:64], address=address[:64]))
    db.execute(delete(SigninFailure).where(SigninFailure.at < utcnow() - WINDOW))
    db.commit()


def clear_failures(db: Session, username: str) -> None:
    """Forget a user's failures after a successful sign-in."""
    db.execute(delete(SigninFailure).where(SigninFailure.username == username))
    db.commit()


def failure_count(db: Session, username: str) -> int:
    """Failures of ``username`` inside the window (for messages and tests)."""
    since = utcnow() - WINDOW
    return db.scalar(
        select(func.count()).where(SigninFailure.username == username, SigninFailure.at >= since)
    ) or 0
