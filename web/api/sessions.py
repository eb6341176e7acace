"""Practice sessions (calls): list with filters, detail, recording, waveform, review.

Every handler loads the call through :func:`_visible_call`, which answers 404
for calls the user may not read; a rep probing another rep's session id learns
nothing, not even that it exists.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field, StringConstraints, ValidationError
from sqlalchemy import select

from evaluation import ScoreResult, render_html
from web.api.deps import CurrentUser, Db, State
from web.api.schemas import DbId, Strict
from web.db.models import Call, CallStatus, Comment, ScoreOverride, User
from web.security.access import can_review_call, can_view_call, restrict_calls
from web.services.calls import refresh_totals, session_path
from web.services.overrides import OverrideError, apply_overrides, find_criterion
from web.services.session_files import RECORDING, SessionFilesError
from web.services.waveform import RecordingError, peaks

router = APIRouter(prefix="/api/sessions", tags=["sessions"])

NOT_FOUND = "no such session, or you do not have access to it"
CallId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class Person(BaseModel):
    id: int
    name: str


class SessionSummary(BaseModel):
    id: str
    rep: Person
    persona_id: str
    persona_name: str
    scorecard_id: str | None
    status: CallStatus
    status_detail: str
    started_at: datetime
    duration_s: float | None
    overall: float | None
    passed: bool | None

    @classmethod
    def of(cls, call: Call) -> SessionSummary:
        return cls(
            id=call.id,
            rep=Person(id=call.user.id, name=call.user.display_name),
            persona_id=call.persona_id,
            persona_name=call.persona_name,
            scorecard_id=call.scorecard_id,
            status=call.status,
            status_detail=call.status_detail,
            started_at=call.started_at,
            duration_s=call.duration_s,
            overall=call.overall,
            passed=call.passed,
        )


class CommentOut(BaseModel):
    id: int
    t: float
    text: str
    author: str | None
    author_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, comment: Comment) -> CommentOut:
        return cls(
            id=comment.id,
            t=comment.t,
            text=comment.text,
            author=comment.author.display_name if comment.author else None,
            author_id=comment.author_id,
            created_at=comment.created_at,
        )


class OverrideOut(BaseModel):
    id: int
    competency: str
    criterion: str
    original_score: float | None
    score: float
    reason: str
    author: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: ScoreOverride) -> OverrideOut:
        return cls(
            id=row.id,
            competency=row.competency,
            criterion=row.criterion,
            original_score=row.original_score,
            score=row.score,
            reason=row.reason,
            author=row.author.display_name if row.author else None,
            created_at=row.created_at,
        )


class SessionDetail(SessionSummary):
    transcript: dict[str, Any] | None
    events: dict[str, Any] | None
    metrics: dict[str, Any] | None
    scorecard: dict[str, Any] | None = Field(description="Effective scorecard (overrides applied).")
    comments: list[CommentOut]
    overrides: list[OverrideOut]
    has_recording: bool
    can_review: bool


class CommentIn(Strict):
    t: float = Field(ge=0, le=24 * 3600, description="Seconds into the recording.")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class OverrideIn(Strict):
    competency: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    criterion: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    score: float = Field(ge=0, le=100)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]


def _visible_call(db: Db, user: User, call_id: str) -> Call:
    call = db.get(Call, call_id)
    if call is None or not can_view_call(db, user, call):
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return call


def _recording(state: State, call: Call) -> Path | None:
    try:
        path = session_path(state.recordings_dir, call) / RECORDING
    except SessionFilesError:
        return None
    return path if path.is_file() else None


@router.get("", response_model=list[SessionSummary])
def list_sessions(
    user: CurrentUser,
    db: Db,
    rep_id: DbId | None = None,
    persona_id: Annotated[str | None, Query(max_length=64)] = None,
    status_: Annotated[CallStatus | None, Query(alias="status")] = None,
    passed: bool | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[SessionSummary]:
    """Sessions the user may see, newest first, with optional filters.

    Calls booked but not connected yet (``pending``) are listed only when asked for.
    """
    query = restrict_calls(db, user, select(Call))
    if rep_id is not None:
        query = query.where(Call.user_id == rep_id)
    if persona_id:
        query = query.where(Call.persona_id == persona_id)
    if status_ is not None:
        query = query.where(Call.status == status_)
    else:
        query = query.where(Call.status != CallStatus.pending)
    if passed is not None:
        query = query.where(Call.passed == passed)
    if min_score is not None:
        query = query.where(Call.overall >= min_score)
    if max_score is not None:
        query = query.where(Call.overall <= max_score)
    if since is not None:
        query = query.where(Call.started_at >= since)
    if until is not None:
        query = query.where(Call.started_at <= until)
    query = query.order_by(Call.started_at.desc(), Call.id).limit(limit).offset(offset)
    return [SessionSummary.of(c) for c in db.scalars(query)]


@router.get("/{call_id}", response_model=SessionDetail, responses={404: {"description": NOT_FOUND}})
def get_session(call_id: CallId, user: CurrentUser, db: Db, state: State) -> SessionDetail:
    """Everything the replay page shows: transcript, events, metrics, scorecard, comments."""
    call = _visible_call(db, user, call_id)
    summary = SessionSummary.of(call)
    return SessionDetail(
        **summary.model_dump(),
        transcript=call.transcript,
        events=call.events,
        metrics=call.metrics,
        scorecard=apply_overrides(call.scorecard, call.overrides),
        comments=[CommentOut.of(c) for c in call.comments],
        overrides=[OverrideOut.of(o) for o in call.overrides],
        has_recording=_recording(state, call) is not None,
        can_review=can_review_call(db, user, call),
    )


@router.get(
    "/{call_id}/recording",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}}, 404: {"description": NOT_FOUND}},
)
def get_recording(call_id: CallId, user: CurrentUser, db: Db, state: State) -> FileResponse:
    """The stereo recording (rep left, buyer right); supports Range requests for seeking."""
    call = _visible_call(db, user, call_id)
    path = _recording(state, call)
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this session has no recording")
    return FileResponse(path, media_type="audio/wav", filename=f"session-{call.id}.wav")


@router.get("/{call_id}/waveform")
def get_waveform(
    call_id: CallId,
    user: CurrentUser,
    db: Db,
    state: State,
    points: Annotated[int, Query(ge=10, le=4000)] = 800,
) -> dict[str, Any]:
    """Peak envelope per channel for drawing the waveform."""
    call = _visible_call(db, user, call_id)
    path = _recording(state, call)
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this session has no recording")
    try:
        return peaks(path, points)
    except RecordingError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None


@router.get(
    "/{call_id}/report.html",
    response_class=HTMLResponse,
    responses={404: {"description": NOT_FOUND}, 409: {"description": "not scored"}},
)
def get_report(call_id: CallId, user: CurrentUser, db: Db) -> HTMLResponse:
    """The evaluator's printable report of the (override-applied) scorecard."""
    call = _visible_call(db, user, call_id)
    card = apply_overrides(call.scorecard, call.overrides)
    if card is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "this session has no scorecard yet")
    try:
        result = ScoreResult.model_validate(card)
    except ValidationError:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "this scorecard was made by an older evaluator; re-score it"
        ) from None
    title = f"{call.persona_name or call.persona_id} — {call.user.display_name}"
    return HTMLResponse(render_html(result, title=title))


@router.post("/{call_id}/comments", response_model=CommentOut, status_code=201)
def add_comment(call_id: CallId, body: CommentIn, user: CurrentUser, db: Db) -> CommentOut:
    """A timestamped comment; anyone who may see the session may comment."""
    call = _visible_call(db, user, call_id)
    comment = Comment(call_id=call.id, author_id=user.id, t=body.t, text=body.text)
    db.add(comment)
    db.commit()
    db.refresh(comment)
    return CommentOut.of(comment)


@router.delete("/{call_id}/comments/{comment_id}", status_code=204)
def delete_comment(call_id: CallId, comment_id: DbId, user: CurrentUser, db: Db) -> None:
    """Authors delete their own comments; a reviewer (manager, admin) deletes any."""
    call = _visible_call(db, user, call_id)
    comment = db.get(Comment, comment_id)
    if comment is None or comment.call_id != call.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no comment {comment_id} on this session")
    if comment.author_id != user.id and not can_review_call(db, user, call):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the author or a reviewer can delete it")
    db.delete(comment)
    db.commit()


@router.post("/{call_id}/overrides", response_model=SessionSummary, status_code=201)
def override_score(call_id: CallId, body: OverrideIn, user: CurrentUser, db: Db) -> SessionSummary:
    """Correct one criterion score with a reason (the rep's manager or an admin)."""
    call = _visible_call(db, user, call_id)
    if not can_review_call(db, user, call):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the rep's manager or an admin can override")
    effective = apply_overrides(call.scorecard, call.overrides)
    if effective is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "this session has no scorecard yet")
    try:
        criterion = find_criterion(effective, body.competency, body.criterion)
    except OverrideError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    call.overrides.append(
        ScoreOverride(
            competency=body.competency,
            criterion=body.criterion,
            original_score=criterion.get("score"),
            score=body.score,
            reason=body.reason,
            author_id=user.id,
        )
    )
    db.flush()
    db.refresh(call)
    refresh_totals(call)
    db.commit()
    return SessionSummary.of(call)
