"""FastAPI dependencies: database session, signed-in user, role checks, CSRF.

Authentication and CSRF are one dependency on purpose: every endpoint that
needs a user also gets the CSRF check for state-changing methods, so no
endpoint can forget it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from web.db.models import AuthSession, Role, User
from web.middleware import SAFE_METHODS
from web.security.sessions import COOKIE_NAME, CSRF_HEADER, csrf_matches, lookup_session
from web.state import WebState


def get_state(request: Request) -> WebState:
    return request.app.state.web


def get_db(request: Request) -> Iterator[Session]:
    """One database session per request, closed afterwards."""
    with get_state(request).sessions() as db:
        yield db


State = Annotated[WebState, Depends(get_state)]
Db = Annotated[Session, Depends(get_db)]


@dataclass(frozen=True)
class Auth:
    user: User
    session: AuthSession


def get_auth(request: Request, db: Db) -> Auth:
    """The signed-in user (401 otherwise); unsafe methods must echo the CSRF token (403)."""
    row = lookup_session(db, request.cookies.get(COOKIE_NAME))
    if row is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first")
    if request.method not in SAFE_METHODS and not csrf_matches(
        row, request.headers.get(CSRF_HEADER)
    ):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"missing or wrong {CSRF_HEADER} header"
        )
    return Auth(user=row.user, session=row)


CurrentAuth = Annotated[Auth, Depends(get_auth)]


def current_user(auth: CurrentAuth) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role):  # type: ignore[no-untyped-def]
    """A dependency that lets only ``roles`` (and always admin) through."""
    allowed = {*roles, Role.admin}

    def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs one of the roles: {names}")
        return user

    return check


Author = Annotated[User, Depends(require_roles(Role.trainer))]
Manager = Annotated[User, Depends(require_roles(Role.manager))]
Admin = Annotated[User, Depends(require_roles())]
