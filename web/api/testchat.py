"""Trainer test-chat: try a persona (saved or still in the editor) in text."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, status
from fastapi.concurrency import run_in_threadpool
from pydantic import StringConstraints, model_validator

from personas import PersonaError
from web.api.deps import Author, State
from web.api.personas import PersonaId, YamlText
from web.api.schemas import Strict
from web.services.personas import PersonaEntry, issues_as_dicts
from web.services.testchat import ChatNotFound

router = APIRouter(prefix="/api/test-chat", tags=["personas"])


class ChatIn(Strict):
    persona_id: PersonaId | None = None
    yaml: YamlText | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ChatIn:
        if (self.persona_id is None) == (self.yaml is None):
            raise ValueError("give exactly one of persona_id or yaml")
        return self


class SayIn(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


@router.post("", status_code=201)
async def start_chat(body: ChatIn, user: Author, state: State) -> dict[str, Any]:
    """Start a chat with a saved persona or with the YAML currently in the editor."""
    if body.yaml is not None:
        try:
            persona = state.personas.validate(body.yaml)
        except PersonaError as error:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                {"message": "the persona has errors", "issues": issues_as_dicts(error)},
            ) from None
    else:
        def lookup() -> PersonaEntry | None:
            with state.sessions() as db:
                return state.personas.get(db, body.persona_id or "")

        entry = await run_in_threadpool(lookup)
        if entry is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no persona {body.persona_id!r}")
        persona = entry.persona
    return await state.chats.start(user.id, persona)


@router.post("/{chat_id}/say")
async def say(
    chat_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")],
    body: SayIn,
    user: Author,
    state: State,
) -> dict[str, Any]:
    """Send one rep line; returns the buyer's reply, the events it caused and the state."""
    try:
        return await state.chats.say(user.id, chat_id, body.text)
    except ChatNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such chat (they expire after 30 idle minutes)") from None
