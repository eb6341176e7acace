"""Streams one buyer reply clause by clause, through the guardrails, with fallbacks.

How streaming and guardrails fit together: LLM tokens are cut into clauses
(sentence ends, and commas after a few words) so speech synthesis can start on
the first clause. Each clause is checked *before* it is released, so the stream
never emits a violating clause:

* a violation before anything was released discards the reply and asks the LLM
  once more (``regenerated``); a second violation, an empty reply or an LLM
  failure (down, timeout, garbage) releases an authored line for the intent
  instead (``fallback``);
* a violation after some clauses were released cannot take them back: the reply
  ends at the last clean clause (``truncated``), and the bad clause is dropped;
* a reply that should reveal a fact is held back until a clause actually says it
  (one of the fact's markers), so a ``fact_revealed`` event always matches what
  the rep heard; a reveal reply that never says it is retried, then replaced by
  the fact's authored line.

Every violation becomes a ``guardrail_violation`` event and is logged.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from personas.schema import Persona
from personas.textstats import contains_phrase, count_words
from simulator.brain.guardrails import Guardrails, Violation
from simulator.brain.policy import Decision
from simulator.events import BrainEvent, GuardrailViolation
from simulator.llm import LLMClient, LLMError, Message

logger = logging.getLogger("simulator.brain")

_SENTENCE_BREAK = re.compile(r"[.!?]+[\"')\]]*\s+")
_CLAUSE_BREAK = re.compile(r"[,;:\u2014\u2013]\s+")
_ABBREVIATION = re.compile(r"\b(?:mr|mrs|ms|dr|st|vs|etc|inc|ltd|e\.g|i\.e)\.\s*$", re.IGNORECASE)
_MIN_CLAUSE_WORDS = 4


class ClauseSplitter:
    """Cuts a token stream into speakable clauses."""

    def __init__(self) -> None:
        self.buffer = ""

    def feed(self, delta: str) -> list[str]:
        """Add text; return the clauses it completed."""
        self.buffer += delta
        clauses = []
        while True:
            cut = self._next_cut()
            if cut is None:
                return clauses
            clause, self.buffer = self.buffer[:cut].strip(), self.buffer[cut:]
            if clause:
                clauses.append(clause)

    def _next_cut(self) -> int | None:
        for match in _SENTENCE_BREAK.finditer(self.buffer):
            if not _ABBREVIATION.search(self.buffer[: match.end()]):
                return match.end()
        for match in _CLAUSE_BREAK.finditer(self.buffer):
            if count_words(self.buffer[: match.start()]) >= _MIN_CLAUSE_WORDS:
                return match.end()
        return None

    def flush(self) -> str:
        rest, self.buffer = self.buffer.strip(), ""
        return rest


@dataclass
class ReplyRecord:
    """How one reply came about; the buyer bench aggregates these."""

    intent: str
    text: str = ""
    source: str = "llm"
    """``llm`` or ``fallback``."""
    violations: list[str] = field(default_factory=list)
    missed_reveals: int = 0
    """Attempts discarded because a reveal reply never said the fact."""
    llm_error: str | None = None
    first_token_s: float | None = None
    """From the request to the first token of the reply that was used."""
    first_clause_s: float | None = None
    """From the request to the first released clause."""
    deltas: int = 0
    generation_s: float = 0.0


def authored_line(persona: Persona, decision: Decision, rng: random.Random, avoid: str = "") -> str:
    """An authored line for the intent: a fact's reveal line, an objection phrasing, an example."""
    if decision.intent == "reveal" and decision.fact is not None:
        return decision.fact.line
    if decision.intent == "object" and decision.objection is not None:
        lines = decision.objection.phrasings
    else:
        lines = persona.examples.for_intent(decision.intent)
    fresh = [line for line in lines if line != avoid] or list(lines)
    return rng.choice(fresh)


@dataclass
class _Attempt:
    violation: Violation | None = None
    error: str | None = None
    missed_reveal: bool = False


class ReplyWriter:
    """Streams replies for one persona through the guardrails."""

    def __init__(
        self,
        persona: Persona,
        llm: LLMClient | None,
        guardrails: Guardrails,
        *,
        max_tokens: int,
        temperature: float,
        stop: list[str],
        rng: random.Random,
        seed: int | None = None,
    ) -> None:
        self.persona = persona
        self.llm = llm
        self.guardrails = guardrails
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.stop = stop
        self.rng = rng
        self.seed = seed
        self.last_fallback = ""

    async def write(
        self,
        messages: list[Message],
        decision: Decision,
        allowed_facts: set[str],
        turn: int | None,
        emit: Callable[[BrainEvent], None],
        record: ReplyRecord,
    ) -> AsyncIterator[str]:
        """Yield the reply's clauses; ``record`` is filled in as it goes."""
        started = time.perf_counter()
        released: list[str] = []
        for attempt_index in range(2 if self.llm is not None else 0):
            attempt = _Attempt()
            async for clause in self._attempt(
                messages, decision, allowed_facts, released, attempt, record
            ):
                if record.first_clause_s is None:
                    record.first_clause_s = time.perf_counter() - started
                released.append(clause)
                yield clause
            if attempt.violation is not None:
                self._violation(attempt.violation, released, attempt_index, turn, emit, record)
            if released:
                record.text = " ".join(released)
                record.generation_s = time.perf_counter() - started
                return
            if attempt.error is not None:
                record.llm_error = attempt.error
                break  # a down or slow server will not do better on a second try
            if attempt.missed_reveal:
                record.missed_reveals += 1
                logger.info("reveal reply for %s never said the fact; retrying", self.persona.id)
        line = authored_line(self.persona, decision, self.rng, avoid=self.last_fallback)
        self.last_fallback = line
        record.source = "fallback"
        record.text = line
        record.generation_s = time.perf_counter() - started
        if record.first_clause_s is None:
            record.first_clause_s = record.generation_s
        yield line

    def _violation(
        self,
        violation: Violation,
        released: list[str],
        attempt_index: int,
        turn: int | None,
        emit: Callable[[BrainEvent], None],
        record: ReplyRecord,
    ) -> None:
        action = "truncated" if released else ("regenerated" if attempt_index == 0 else "fallback")
        logger.info(
            "guardrail %s (%s) on %s reply: %s",
            violation.rule,
            action,
            self.persona.id,
            violation.detail,
        )
        record.violations.append(violation.rule)
        emit(GuardrailViolation(turn=turn, rule=violation.rule, action=action))

    async def _attempt(
        self,
        messages: list[Message],
        decision: Decision,
        allowed_facts: set[str],
        released: list[str],
        attempt: _Attempt,
        record: ReplyRecord,
    ) -> AsyncIterator[str]:
        assert self.llm is not None
        stream = self.llm.stream_chat(
            messages,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            stop=self.stop,
            seed=self.seed,
        )
        splitter = ClauseSplitter()
        chunks = stream.__aiter__()
        first = True
        # a reveal is held back until the fact is actually said: the fact_revealed
        # event must match what the rep heard
        fact = decision.fact if decision.intent == "reveal" else None
        held: list[str] = []
        try:
            async for delta in chunks:
                for clause in splitter.feed(delta):
                    clause, attempt.violation = self._vet(
                        clause, first, [*released, *held], decision, allowed_facts
                    )
                    first = False
                    if attempt.violation is not None:
                        return
                    if clause:
                        held.append(clause)
                    if fact is None or _says(held, fact.markers):
                        fact = None
                        while held:
                            yield held.pop(0)
                pending = " ".join([*released, *held, splitter.buffer])
                if count_words(pending) > self.persona.reply_limits.max_words:
                    attempt.violation = self.guardrails.check_length(pending)
                    return
            tail = splitter.flush()
            if tail and (stream.finish_reason != "length" or not (released or held)):
                clause, attempt.violation = self._vet(
                    tail, first, [*released, *held], decision, allowed_facts
                )
                if attempt.violation is None and clause:
                    held.append(clause)
            if attempt.violation is None and (fact is None or _says(held, fact.markers)):
                while held:
                    yield held.pop(0)
            elif attempt.violation is None:
                attempt.missed_reveal = True
        except LLMError as error:
            attempt.error = f"{type(error).__name__}: {error}"
            logger.warning("LLM failed for %s; using an authored line: %s", self.persona.id, error)
        finally:
            record.first_token_s = stream.first_token_s
            record.deltas = stream.deltas
            await chunks.aclose()  # type: ignore[attr-defined]

    def _vet(
        self, clause: str, first: bool, before: list[str], decision: Decision, allowed: set[str]
    ) -> tuple[str, Violation | None]:
        """Clean the first clause, then apply every rule; ``before`` = clauses already accepted."""
        violation = None
        if first:
            clause, violation = self.guardrails.clean(clause)
        violation = (
            violation
            or self.guardrails.check_content(clause, allowed, decision.intent)
            or self.guardrails.check_length(" ".join([*before, clause]))
        )
        return clause, violation


def _says(clauses: list[str], markers: list[str]) -> bool:
    text = " ".join(clauses)
    return any(contains_phrase(text, marker) for marker in markers)
