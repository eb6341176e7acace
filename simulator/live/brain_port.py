"""What a live call needs from the buyer brain (the port the adapter implements).

The call never reaches into the brain's state: it asks for a streamed reply to
a rep turn, for the buyer's reaction to a stretch of rep silence, and for a
pre-warm at the start. Keeping this surface small is what lets the naive
baseline of ``bench latency`` drive the very same brain.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from personas.schema import Persona
from simulator.live.plugins.brain_llm import ReplyContext


@dataclass(frozen=True)
class SilenceReply:
    """The buyer's reaction to rep silence: a line to say, and whether to hang up after it."""

    text: str
    events: list[dict[str, Any]] = field(default_factory=list)
    end_call: bool = False


class CallBrain(Protocol):
    """One buyer for one call."""

    persona: Persona

    def reply(self, rep_text: str, context: ReplyContext) -> AsyncIterator[Any]:
        """Stream the reply to a rep turn: ``str`` text deltas and brain events."""
        ...

    def on_silence(self, silent_s: float, prompts_so_far: int) -> SilenceReply | None:
        """Called while the rep stays silent; None means keep waiting."""
        ...

    async def prewarm(self) -> None:
        """Warm the LLM's prompt cache for this persona (start of call)."""
        ...

    def phrases(self) -> list[str]:
        """Short lines this buyer is likely to say verbatim (pre-synthesised)."""
        ...

    def opening_line(self) -> str | None:
        """What the buyer says on picking up, if it speaks first."""
        ...

    def rep_turn_committed(self, text: str) -> None:
        """The rep's turn ended with ``text`` (a reply attempt on it may be reused)."""
        ...

    def reply_heard(self) -> None:
        """The current reply started playing: it can no longer be taken back."""
        ...

    def buyer_interrupted(self, spoken_text: str) -> None:
        """The rep barged in; only ``spoken_text`` of the reply was heard."""
        ...
