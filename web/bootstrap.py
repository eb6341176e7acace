"""First-run set-up and the loopback rule for ``serve``.

On a loopback address the first start creates one local admin account with a
random password and prints how to sign in: one person practising on their own
laptop gets going at once. Binding to any other address serves other people,
so the server refuses to start until a real admin account exists (created with
``run_agent.py users add NAME --role admin``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from sqlalchemy.orm import Session

from web.db.models import Role
from web.services.accounts import create_user, generate_password, user_count

LOCAL_USERNAME = "local"


class NotSafeToServe(RuntimeError):
    """Serving on this address would expose the app without accounts."""


@dataclass(frozen=True)
class FirstRunAccount:
    username: str
    password: str


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost' (only this machine can connect)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def prepare_accounts(db: Session, host: str) -> FirstRunAccount | None:
    """Create the local account on a first loopback run; refuse an empty non-loopback server."""
    if user_count(db) > 0:
        return None
    if not is_loopback(host):
        raise NotSafeToServe(
            f"binding to {host} serves other machines, and there are no accounts yet. "
            "Create an admin first: run_agent.py users add NAME --role admin "
            "(then add reps, managers and trainers in the Admin page or with users add)"
        )
    password = generate_password()
    create_user(db, LOCAL_USERNAME, password, Role.admin, display_name="Local user")
    return FirstRunAccount(LOCAL_USERNAME, password)
