"""Short authored acknowledgements a buyer says before the considered reply.

On the phone people rarely go silent while they think: "Hm." "Right." "Oh,
sure." A persona that does this sounds natural *and* hides the LLM's
time-to-first-clause, because the acknowledgement is pre-synthesised and
plays the moment the rep's turn ends. They are chosen by the persona's
communication style and only for intents where a person would use one (never
before hanging up, never over a silence prompt), and not on every turn.
"""

from __future__ import annotations

import random

from personas.schema import Persona

BY_STYLE: dict[str, tuple[str, ...]] = {
    "terse": ("Mm.", "Okay."),
    "rambling": ("Oh, well.", "Yeah, so."),
    "skeptical": ("Hm.", "Well."),
    "rushed": ("Right.", "Okay."),
    "analytical": ("Hm, okay.", "Right."),
    "friendly": ("Oh, sure.", "Yeah."),
    "guarded": ("Hm.", "Well."),
    "hostile": ("Look.", "Hm."),
}
"""Per personality style (``persona.personality.style``)."""

NATURAL_BEFORE = frozenset(
    {"answer", "guarded", "reveal", "object", "concede", "decline_next_step", "agree_next_step",
     "deflect"}
)
"""Intents a person may open with an acknowledgement (not ``end_call``, ``silence_prompt``)."""


class Acknowledgements:
    """Picks an acknowledgement for a reply, or none."""

    def __init__(self, persona: Persona, *, rate: float = 0.8, seed: int | None = None) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"acknowledgement rate must lie in [0, 1], got {rate}")
        self.phrases = BY_STYLE.get(persona.personality.style, ("Hm.",))
        self._rate = rate
        self._rng = random.Random(seed)
        self._last = ""

    def choose(self, intent: str) -> str | None:
        """An acknowledgement for a reply with ``intent``, or None (not natural here / not now)."""
        if intent not in NATURAL_BEFORE or self._rng.random() >= self._rate:
            return None
        options = [p for p in self.phrases if p != self._last] or list(self.phrases)
        self._last = self._rng.choice(options)
        return self._last
