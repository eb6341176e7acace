"""Rules every buyer reply must pass before a word of it is spoken.

Checked clause by clause while the LLM streams (see :mod:`simulator.brain.reply`),
so a violating clause is never released to speech: the buyer stays within its
length limits, never speaks as the seller, never talks about instructions or
being an AI, never says a hidden fact it has not been allowed to reveal, and
never agrees to what its end conditions forbid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from personas.schema import Persona
from personas.textstats import contains_phrase, count_words, split_sentences
from simulator.events import GuardrailRule

_SELLER_PHRASES = (
    r"our (product|solution|offering|software|pricing|platform (can|will|helps|lets))",
    r"we (offer|provide|sell|specialize|specialise)",
    r"i'?d love to (show|walk) you",
    r"let me show you",
    r"would you like (a|to see a|to book a) demo",
    r"(book|schedule) a demo with (me|us)",
    r"thanks? (you )?for taking my call",
    r"the reason (for|of) my call",
    r"reason i'?m calling",
    r"as your (sales )?rep",
    r"our customers (see|get|save|love)",
    r"sign up (today|now)",
    r"can i (send|book|schedule) you",
)
_AI_PHRASES = (
    r"as an ai",
    r"\ban ai\b",
    r"artificial intelligence",
    r"language model",
    r"\bllm\b",
    r"chatbot",
    r"ai assistant",
    r"virtual assistant",
    r"instructions?\b",
    r"system prompt",
    r"(my|the|your) prompt\b",
    r"role-?play",
    r"\bpersona\b",
    r"i am programmed",
    r"i'?m programmed",
    r"openai",
    r"directions?\s*(for|:)",
    r"stage direction",
    r"i cannot (comply|fulfil|fulfill)",
    r"as a (buyer|character)",
    r"in character",
    r"\bdirector\b\s*:",
)
_DEFAULT_FORBIDDEN = (
    r"let'?s (do it|schedule|set (it|that|this|something) up|book|go ahead|move forward"
    r"|get started)",
    r"sounds good,? let'?s",
    r"i'?ll sign",
    r"send (me|over) the (contract|agreement|paperwork)",
    r"(you'?ve|you have) got a deal",
    r"it'?s a deal",
    r"book (it|the demo|a demo|a meeting|the meeting)",
    r"count me in",
    r"\bi'?m in\b",
    r"we'?ll (buy|take) it",
    r"put (it|me|us) (in|on) the calendar",
    r"(tuesday|wednesday|thursday|friday|monday|next week) works",
    r"see you (then|on)",
    r"send (me )?(the|an|a calendar) invite",
)
_SPEAKER_LABEL = re.compile(r"^\s*[\"']?\s*([A-Z][\w .'-]{0,30}?)\s*:\s*")
_EMOTE = re.compile(r"\*[^*]{0,40}\*|\[[^\]]{0,60}\]")


def _compile(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + "|".join(phrases) + ")", re.IGNORECASE)


_SELLER = _compile(_SELLER_PHRASES)
_AI = _compile(_AI_PHRASES)


@dataclass(frozen=True)
class Violation:
    rule: GuardrailRule
    detail: str


class Guardrails:
    """The guardrails for one persona. ``allowed_facts`` = revealed so far plus this turn's."""

    def __init__(self, persona: Persona, rep_name: str = "Seller") -> None:
        self.persona = persona
        self.rep_name = rep_name
        forbidden = list(_DEFAULT_FORBIDDEN) + [
            re.escape(p) for p in persona.end_conditions.forbidden_agreements
        ]
        self._forbidden = _compile(forbidden)
        self._seller_labels = {
            "seller",
            "rep",
            "salesperson",
            "sales rep",
            "sales",
            rep_name.lower(),
        }

    def clean(self, text: str) -> tuple[str, Violation | None]:
        """Strip the buyer's own speaker label, quotes and emotes; a seller label is a violation."""
        violation = None
        match = _SPEAKER_LABEL.match(text)
        if match:
            label = match.group(1).strip().lower()
            if label in self._seller_labels:
                violation = Violation("speaks_as_seller", f"speaker label {match.group(1)!r}")
            text = text[match.end() :]
        text = _EMOTE.sub("", text).strip().strip('"').strip()
        return text, violation

    def check_content(self, clause: str, allowed_facts: set[str], intent: str) -> Violation | None:
        """The content rules, on one clause (or a whole reply)."""
        if seller := _SELLER.search(clause):
            return Violation("speaks_as_seller", seller.group(0))
        if ai := _AI.search(clause):
            return Violation("mentions_ai_or_instructions", ai.group(0))
        leaked = self.leaked_facts(clause, allowed_facts)
        if leaked:
            return Violation("unearned_fact", f"fact {leaked[0]!r}")
        if intent != "agree_next_step":
            found = self._forbidden.search(clause)
            if found:
                return Violation("forbidden_agreement", found.group(0))
        return None

    def check_length(self, text: str) -> Violation | None:
        """The length rules, on the reply so far."""
        limits = self.persona.reply_limits
        words = count_words(text)
        if words > limits.max_words:
            return Violation("max_words", f"{words} words > {limits.max_words}")
        sentences = len(split_sentences(text))
        if sentences > limits.max_sentences:
            return Violation("max_sentences", f"{sentences} sentences > {limits.max_sentences}")
        return None

    def check_reply(self, text: str, allowed_facts: set[str], intent: str) -> Violation | None:
        """Every rule on a whole reply (used for authored lines and in tests)."""
        return self.check_content(text, allowed_facts, intent) or self.check_length(text)

    def leaked_facts(self, text: str, allowed_facts: set[str]) -> list[str]:
        """Facts not in ``allowed_facts`` whose markers appear in ``text``."""
        return [
            fact.id
            for fact in self.persona.facts
            if fact.id not in allowed_facts and any(contains_phrase(text, m) for m in fact.markers)
        ]
