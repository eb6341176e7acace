"""Sign-in, sign-out, who am I, change password."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy import select

from web.api.deps import CurrentAuth, Db, State
from web.api.schemas import Me, Password, Strict, UserOut, Username
from web.db.models import AuthSession, User
from web.security import ratelimit
from web.security.passwords import (
    WeakPasswordError,
    hash_password,
    needs_rehash,
    verify_password,
)
from web.security.sessions import COOKIE_NAME, create_session, end_all_sessions, end_session

router = APIRouter(prefix="/api/auth", tags=["auth"])


class SigninIn(Strict):
    username: Username
    password: Password


class PasswordChangeIn(Strict):
    current_password: Password
    new_password: Password


def _me(row: AuthSession) -> Me:
    return Me(user=UserOut.of(row.user), csrf_token=row.csrf_token, expires_at=row.expires_at)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "/signin",
    response_model=Me,
    responses={401: {"description": "wrong name or password"}, 429: {"description": "too many failures"}},
)
def signin(body: SigninIn, request: Request, response: Response, db: Db, state: State) -> Me:
    """Check the password and set the session cookie (rate-limited per name and address)."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        # A cross-site HTML form cannot send JSON: this blocks login CSRF.
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send the credentials as JSON")
    username, address = body.username.lower(), _client_address(request)
    wait = ratelimit.retry_after_s(db, username, address)
    if wait:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed sign-ins; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    user = db.scalar(select(User).where(User.username == username))
    if not verify_password(user.password_hash if user else None, body.password) or not (
        user and user.is_active
    ):
        ratelimit.record_failure(db, username, address)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong user name or password")
    ratelimit.clear_failures(db, username)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(body.password)
    token, row = create_session(db, user, state.settings.session_hours)
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(state.settings.session_hours * 3600),
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="lax",
        path="/",
    )
    return _me(row)


@router.post("/signout", status_code=204)
def signout(auth: CurrentAuth, response: Response, db: Db) -> None:
    """End this session (the cookie stops working at once)."""
    end_session(db, auth.session)
    response.delete_cookie(COOKIE_NAME, path="/")


@router.get("/me", response_model=Me)
def me(auth: CurrentAuth) -> Me:
    """The signed-in user and the CSRF token for this session."""
    return _me(auth.session)


@router.post("/password", status_code=204, responses={400: {"description": "weak or wrong password"}})
def change_password(body: PasswordChangeIn, auth: CurrentAuth, db: Db, response: Response) -> None:
    """Change the own password; signs out every session, this one included."""
    user = auth.user
    if not verify_password(user.password_hash, body.current_password):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "the current password is wrong")
    try:
        user.password_hash = hash_password(body.new_password)
    except WeakPasswordError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None
    db.commit()
    end_all_sessions(db, user.id)
    response.delete_cookie(COOKIE_NAME, path="/")
