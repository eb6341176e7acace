"""Text test-chats of trainers against a persona: the real buyer brain, typed not spoken.

Chats live in memory (they are scratch work, never scored or stored), belong to
the user who started them, and are dropped after ``IDLE_S`` or when there are
more than ``MAX_CHATS``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from personas import Persona
from simulator.brain import BrainOptions, BuyerBrain
from simulator.events import event_to_json
from web.services.llm import LLMProvider

IDLE_S = 30 * 60
MAX_CHATS = 50


@dataclass
class Chat:
    id: str
    user_id: int
    brain: BuyerBrain
    used_at: float = field(default_factory=time.monotonic)


class ChatNotFound(KeyError):
    """Unknown, expired or someone else's chat."""


class TestChats:
    def __init__(self, llm: LLMProvider) -> None:
        self._llm = llm
        self._chats: dict[str, Chat] = {}

    def _expire(self) -> None:
        now = time.monotonic()
        for chat_id in [c.id for c in self._chats.values() if now - c.used_at > IDLE_S]:
            del self._chats[chat_id]
        while len(self._chats) >= MAX_CHATS:
            oldest = min(self._chats.values(), key=lambda c: c.used_at)
            del self._chats[oldest.id]

    async def start(self, user_id: int, persona: Persona) -> dict[str, Any]:
        """A new chat; the buyer's opening line if it speaks first."""
        self._expire()
        client, notice = await self._llm.client()
        brain = BuyerBrain(persona, client, BrainOptions(rep_name="Seller"))
        chat = Chat(secrets.token_hex(16), user_id, brain)
        self._chats[chat.id] = chat
        opening = brain.opening_line()
        return {"id": chat.id, "opening_line": opening, "notice": notice, "state": brain.state.to_json()}

    async def say(self, user_id: int, chat_id: str, text: str) -> dict[str, Any]:
        """One rep line; the buyer's whole reply with the events it caused."""
        chat = self._chats.get(chat_id)
        if chat is None or chat.user_id != user_id:
            raise ChatNotFound(chat_id)
        chat.used_at = time.monotonic()
        before = len(chat.brain.events)
        reply = await chat.brain.reply(text)
        return {
            "reply": reply,
            "events": [event_to_json(e) for e in chat.brain.events[before:]],
            "state": chat.brain.state.to_json(),
        }
