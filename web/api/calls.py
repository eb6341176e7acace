"""Starting a practice call: ``POST /api/calls`` books it, ``/ws/call`` carries it.

The WebSocket is authenticated with the same session cookie as the API (a
browser sends it on the upgrade request) and bound to one call record owned by
the signed-in user, so nobody can attach to, or record into, someone else's call.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, WebSocket, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, StringConstraints

from simulator.transport.connection import StarletteConnection
from simulator.transport.handler import CallSessionHandler
from simulator.transport.protocol import CLOSE_POLICY_VIOLATION
from web.api.deps import CurrentUser, Db, State
from web.api.schemas import DbId, Strict
from web.db.models import Assignment, Call, CallStatus
from web.live import CallTicket, WebCallStarter
from web.security.sessions import COOKIE_NAME, lookup_session
from web.services.calls import ingest, new_call, session_path
from web.state import WebState

logger = logging.getLogger("web.calls")
router = APIRouter(tags=["calls"])

CALL_PATH = "/ws/call"


class CallIn(Strict):
    persona_id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    assignment_id: DbId | None = None


class CallBooked(BaseModel):
    id: str
    websocket_path: str
    persona: dict[str, Any]
    scorecard_id: str


@router.post("/api/calls", response_model=CallBooked, status_code=201)
def book_call(body: CallIn, user: CurrentUser, db: Db, state: State) -> CallBooked:
    """Create the call record; then open ``websocket_path`` and send the ``start`` message."""
    entry = state.personas.get(db, body.persona_id)
    if entry is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"no persona {body.persona_id!r}")
    scorecard_id = state.scorecards.default_for(list(entry.persona.role_fit))
    if body.assignment_id is not None:
        assignment = db.get(Assignment, body.assignment_id)
        mine = assignment is not None and (
            assignment.rep_id == user.id
            or (assignment.team_id is not None and assignment.team_id == user.team_id)
        )
        if not mine or assignment is None or assignment.persona_id != body.persona_id:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                f"assignment {body.assignment_id} is not yours or is for another persona",
            )
        scorecard_id = assignment.scorecard_id or scorecard_id
    call = new_call(
        db, user, entry.id, entry.persona.name,
        scorecard_id=scorecard_id, assignment_id=body.assignment_id,
    )
    return CallBooked(
        id=call.id,
        websocket_path=f"{CALL_PATH}?call={call.id}",
        persona=entry.card(),
        scorecard_id=scorecard_id,
    )


def _ticket(state: WebState, websocket: WebSocket, call_id: str) -> CallTicket | str:
    """The call this socket may carry, or the reason it may not."""
    with state.sessions() as db:
        auth = lookup_session(db, websocket.cookies.get(COOKIE_NAME))
        if auth is None:
            return "sign in first"
        call = db.get(Call, call_id) if len(call_id) == 32 else None
        if call is None or call.user_id != auth.user_id:
            return "no such call"
        if call.status is not CallStatus.pending:
            return f"this call is already {call.status.value}"
        entry = state.personas.get(db, call.persona_id)
        if entry is None:
            return f"persona {call.persona_id!r} no longer exists"
        return CallTicket(call.id, entry.persona, session_path(state.recordings_dir, call))


def _set_status(state: WebState, call_id: str, new: CallStatus, detail: str = "") -> None:
    with state.sessions() as db:
        call = db.get(Call, call_id)
        if call is not None:
            call.status, call.status_detail = new, detail
            db.commit()


def _ingest(state: WebState, call_id: str) -> None:
    with state.sessions() as db:
        call = db.get(Call, call_id)
        if call is not None:
            ingest(db, call, state.recordings_dir, state.scorecards.score)


def _give_up_if_not_started(state: WebState, call_id: str) -> None:
    with state.sessions() as db:
        call = db.get(Call, call_id)
        if call is not None and call.status is CallStatus.pending:
            call.status, call.status_detail = CallStatus.failed, "the call never started"
            db.commit()


@router.websocket(CALL_PATH)
async def call_socket(websocket: WebSocket, call: str = "") -> None:
    """The live call (protocol: docs/call-protocol.md), bound to a booked call id."""
    state: WebState = websocket.app.state.web
    ticket = await run_in_threadpool(_ticket, state, websocket, call[:64])
    if isinstance(ticket, str):
        await websocket.close(CLOSE_POLICY_VIOLATION, ticket)
        return
    await websocket.accept()
    starter = WebCallStarter(
        state.live,
        ticket,
        on_live=lambda: _set_status(state, ticket.call_id, CallStatus.live),
        on_ended=lambda: _ingest(state, ticket.call_id),
    )
    try:
        await CallSessionHandler(starter).run(StarletteConnection(websocket))
    finally:
        await run_in_threadpool(_give_up_if_not_started, state, ticket.call_id)
