"""The buyer brain as livekit's LLM step.

livekit asks an ``llm.LLM`` for a reply to the chat context; here that reply
comes from the buyer brain, whose program logic (what to reveal, when to
object, the guardrails) stays authoritative: livekit only sees the text it
streams. Being a real ``llm.LLM`` (not just an ``Agent.llm_node`` override)
matters because livekit's preemptive generation only runs for one: it starts a
reply on the likely-final transcript before the turn is committed and keeps it
when the final transcript matches.

A preemptive reply may be thrown away (the rep kept talking), so the brain's
events for a reply are held on its :class:`~simulator.live.metrics.Generation`
and published only when its audio starts playing.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr

from simulator.live.metrics import Generation, LatencyTracker
from simulator.live.turn_taking import likely_final

logger = logging.getLogger("simulator.live.brain")


@dataclass(frozen=True)
class ReplyContext:
    """What the brain needs besides the rep's words."""

    rep_turn: int
    """Transcript index the rep turn will have once committed."""
    overlapped: bool
    """The rep started this turn while the buyer was speaking (barge-in)."""
    until_committed: Callable[[], Awaitable[None]] | None = None
    """Set for a speculative (preemptive) reply: waits until the rep's turn is committed."""


@dataclass(frozen=True)
class Acknowledgement:
    """An authored lead-in ("Hm.") streamed before the LLM's words; spoken like text."""

    text: str


class ReplySource(Protocol):
    """Streams one buyer reply: text deltas (``str``) interleaved with brain events."""

    def __call__(self, rep_text: str, context: ReplyContext) -> AsyncIterator[Any]: ...


def event_json(event: Any) -> dict[str, Any]:
    """A brain event (pydantic model or dict) as its contract JSON object."""
    if isinstance(event, dict):
        return dict(event)
    from simulator.events import event_to_json

    return event_to_json(event)


class BuyerBrainLLM(llm.LLM):
    """livekit LLM whose replies come from the buyer brain."""

    def __init__(
        self,
        source: ReplySource,
        tracker: LatencyTracker,
        context: Callable[[], ReplyContext],
        *,
        model_name: str = "buyer-brain",
    ) -> None:
        super().__init__()
        self._source = source
        self._tracker = tracker
        self._context = context
        self._model_name = model_name
        self._ids = itertools.count()

    @property
    def model(self) -> str:
        return self._model_name

    @property
    def provider(self) -> str:
        return "roleplay-sim"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> BrainLLMStream:
        return BrainLLMStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


def last_rep_text(chat_ctx: llm.ChatContext) -> str:
    """The newest user message (the rep's committed or likely-final words)."""
    for item in reversed(chat_ctx.items):
        if getattr(item, "type", None) == "message" and item.role == "user":
            return item.text_content or ""
        if getattr(item, "type", None) == "message" and item.role == "assistant":
            return ""
    return ""


class BrainLLMStream(llm.LLMStream):
    """One reply attempt."""

    def __init__(self, owner: BuyerBrainLLM, **kwargs: Any) -> None:
        super().__init__(owner, **kwargs)
        self._owner = owner
        self.generation: Generation | None = None

    async def _run(self) -> None:
        owner = self._owner
        rep_text = last_rep_text(self._chat_ctx)
        if not rep_text:
            return
        context = owner._context()
        if context.until_committed is not None and not likely_final(rep_text):
            # not a hand-over yet: start only if livekit commits this very transcript
            # (if the rep goes on, livekit cancels us and no LLM time was spent)
            await context.until_committed()
        generation = owner._tracker.generation_started(rep_text)
        self.generation = generation
        generation.rep_turn = context.rep_turn
        request_id = f"brain-{next(owner._ids)}"
        try:
            async for item in owner._source(rep_text, context):
                if isinstance(item, Acknowledgement):
                    generation.acknowledgement = True
                    generation.acknowledgement_text += item.text
                    owner._tracker.first_text(generation, from_llm=False)
                    self._send(request_id, item.text)
                elif isinstance(item, str):
                    if not item:
                        continue
                    owner._tracker.first_text(generation, from_llm=True)
                    generation.text += item
                    self._send(request_id, item)
                else:
                    generation.events.append(event_json(item))
            generation.done = True
        except asyncio.CancelledError:
            generation.cancelled = True
            raise
        except Exception:
            generation.cancelled = True
            logger.exception("buyer brain failed on %r", rep_text)
            raise

    def _send(self, request_id: str, text: str) -> None:
        self._event_ch.send_nowait(
            llm.ChatChunk(id=request_id, delta=llm.ChoiceDelta(role="assistant", content=text))
        )
