"""The buyer brain (``simulator.brain.BuyerBrain``) behind the live call's port.

Two things make a live call different from the text chat the brain was built
for, and both are handled here:

* **Speculative replies.** livekit starts a reply on the likely-final
  transcript before the rep's turn is committed and throws it away if the rep
  keeps talking. The brain, however, applies a rep turn (trust, facts,
  objections) the moment ``respond`` starts. So every attempt starts from a
  checkpoint: an attempt that was never heard and is replaced is rolled back
  before the next one runs, and the brain applies each rep turn exactly once.
* **Acknowledgements.** Once the brain has decided its intent (rules, no LLM
  yet), a short authored acknowledgement may be streamed ahead of the LLM's
  words (:mod:`simulator.live.acknowledgements`).

Brain events are read from ``brain.events`` as they appear and streamed with the
text; the live call publishes them when the reply is heard.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from personas.schema import Persona
from simulator.brain import BrainCheckpoint, BuyerBrain
from simulator.events import event_to_json
from simulator.live.acknowledgements import Acknowledgements
from simulator.live.brain_port import SilenceReply
from simulator.live.plugins.brain_llm import Acknowledgement, ReplyContext

_WORDS = re.compile(r"[a-z0-9']+")
_DECISION_POLL_S = 0.005


def _normalise(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


@dataclass
class _Attempt:
    rep_text: str
    checkpoint: BrainCheckpoint
    kept: bool = False
    """Its rep text was the committed one (livekit may reuse it)."""
    heard: bool = False
    """Its audio started playing."""


class LiveBrain:
    """``CallBrain`` over one :class:`BuyerBrain`."""

    def __init__(self, brain: BuyerBrain, acknowledgements: Acknowledgements | None = None) -> None:
        self.brain = brain
        self.persona: Persona = brain.persona
        self._acks = acknowledgements
        self._attempt: _Attempt | None = None
        self._seen_events = 0

    # --- call hooks ----------------------------------------------------------------
    def opening_line(self) -> str | None:
        return self.brain.opening_line()

    def rep_turn_committed(self, text: str) -> None:
        """The rep turn with ``text`` was committed; an attempt on it may be reused."""
        attempt = self._attempt
        if attempt is not None and _normalise(attempt.rep_text) == _normalise(text):
            attempt.kept = True

    def reply_heard(self) -> None:
        """The current attempt's audio started: it is part of the call now."""
        if self._attempt is not None:
            self._attempt.heard = True

    def buyer_interrupted(self, spoken_text: str) -> None:
        self.brain.note_interrupted(spoken_text)

    # --- CallBrain -----------------------------------------------------------------
    async def prewarm(self) -> None:
        await self.brain.prewarm()

    def phrases(self) -> list[str]:
        examples = self.persona.examples
        acks = list(self._acks.phrases) if self._acks else []
        return [*acks, *examples.silence_prompt, *examples.end_call]

    def on_silence(self, silent_s: float, prompts_so_far: int) -> SilenceReply | None:
        before = len(self.brain.events)
        line = self.brain.on_silence(silent_s)
        if line is None:
            return None
        events = [event_to_json(e) for e in self.brain.events[before:]]
        self._seen_events = len(self.brain.events)
        return SilenceReply(line, events, end_call=self.brain.ended)

    async def reply(self, rep_text: str, context: ReplyContext) -> AsyncIterator[Any]:
        """Stream the reply: an optional acknowledgement, then clauses, with new events."""
        self._begin_attempt(rep_text)
        brain = self.brain
        decided_at = len(brain.stats.replies)
        stream = brain.respond(rep_text, rep_turn_index=context.rep_turn, overlapped=context.overlapped)
        first: asyncio.Future[str] = asyncio.ensure_future(stream.__anext__())
        try:
            while len(brain.stats.replies) == decided_at and not first.done():
                await asyncio.sleep(_DECISION_POLL_S)  # rules decide in ms; the LLM comes after
            for event in self._new_events():
                yield event
            if self._acks is not None and len(brain.stats.replies) > decided_at:
                ack = self._acks.choose(brain.stats.replies[-1].intent)
                if ack:
                    yield Acknowledgement(ack + " ")
            try:
                clause = await first
            except StopAsyncIteration:
                clause = None
            if clause is not None:
                for event in self._new_events():
                    yield event
                yield clause + " "
                async for clause in stream:
                    for event in self._new_events():
                        yield event
                    yield clause + " "
            for event in self._new_events():
                yield event
        finally:
            if not first.done():
                first.cancel()
                with contextlib.suppress(BaseException):
                    await first
            with contextlib.suppress(RuntimeError):
                await stream.aclose()

    # --- internals -----------------------------------------------------------------
    def _begin_attempt(self, rep_text: str) -> None:
        previous = self._attempt
        discarded = previous is not None and not previous.heard and (
            not previous.kept or _normalise(previous.rep_text) == _normalise(rep_text)
        )
        if discarded:
            assert previous is not None
            self.brain.restore(previous.checkpoint)
            self._seen_events = min(self._seen_events, len(self.brain.events))
            checkpoint = previous.checkpoint
        else:
            checkpoint = self.brain.checkpoint()
        self._attempt = _Attempt(rep_text, checkpoint)

    def _new_events(self) -> list[dict[str, Any]]:
        events = self.brain.events[self._seen_events :]
        self._seen_events = len(self.brain.events)
        return [event_to_json(e) for e in events]
