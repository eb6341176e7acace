"""The buyer brain: one persona played turn by turn through any OpenAI-compatible LLM.

Per rep turn: analyse the utterance with rules (optionally refined by the LLM),
update the buyer's state by the persona's rules, choose the intent, and let the
LLM word it under the guardrails, streaming clauses so speech can start early.
Program logic decides; the LLM only words the decision. Every decision is an
event in :attr:`BuyerBrain.events`.

Used by the live call (one brain per session, driven from the voice pipeline),
the web test chat and ``run_agent.py chat``/``bench buyer``.
"""

from __future__ import annotations

import copy
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

from personas.schema import Persona
from simulator.brain.analysis import UtteranceAnalysis, analyze
from simulator.brain.classifier import refine_with_llm
from simulator.brain.guardrails import Guardrails
from simulator.brain.policy import Decision, choose_intent
from simulator.brain.prompt import Exchange, direction_for, render_messages, stop_sequences
from simulator.brain.reply import ReplyRecord, ReplyWriter, authored_line
from simulator.brain.state import BuyerState, StateMachine
from simulator.events import BrainEvent, event_to_json
from simulator.llm import LLMClient, LLMError

logger = logging.getLogger("simulator.brain")

_OPENING_SELLER = "(The phone rings and you pick up.)"


@dataclass(frozen=True)
class BrainOptions:
    """How the brain uses its LLM. Defaults follow the field notes' prompt contract."""

    rep_name: str = "Seller"
    """How the rep is labelled; also a stop sequence."""
    max_tokens: int = 60
    temperature: float = 0.5
    history_turns: int = 24
    """Most exchanges kept in the prompt; older ones drop out in steps of half this many."""
    use_llm_classifier: bool = False
    """Refine the rule-based analysis with an LLM JSON classifier (costs one request per turn)."""
    seed: int | None = None
    """Seeds the choice of authored lines and the LLM sampling, for repeatable runs."""


@dataclass(frozen=True)
class BrainTurn:
    speaker: Literal["rep", "buyer"]
    text: str


@dataclass(frozen=True)
class BrainCheckpoint:
    """Opaque snapshot from :meth:`BuyerBrain.checkpoint`."""

    state: BuyerState
    events: int
    turns: list[BrainTurn]
    history: list[Exchange]
    replies: int
    llm_errors: int
    silence_prompted: bool
    rng: Any
    last_fallback: str


@dataclass
class _Pending:
    """A decided rep turn waiting for :meth:`BuyerBrain.speak`."""

    rep_text: str
    turn: int
    decision: Decision
    direction: str
    record: ReplyRecord
    closing_events: list[BrainEvent] = field(default_factory=list)
    """``call_ended`` of this turn: recorded once the closing reply is worded, so the
    end of the call stays the last event (after any guardrail event of that reply)."""


@dataclass
class BrainStats:
    """Counters over a whole call."""

    replies: list[ReplyRecord] = field(default_factory=list)
    llm_errors: int = 0


class BuyerBrain:
    """Plays one persona for one call. Not shared between calls; cheap to create."""

    def __init__(
        self, persona: Persona, llm: LLMClient | None, options: BrainOptions | None = None
    ) -> None:
        self.persona = persona
        self.llm = llm
        self.options = options or BrainOptions()
        self.machine = StateMachine(persona)
        self.state = BuyerState.initial(persona)
        self.events: list[BrainEvent] = []
        self.turns: list[BrainTurn] = []
        self.stats = BrainStats()
        self.guardrails = Guardrails(persona, self.options.rep_name)
        self._rng = random.Random(self.options.seed)
        self._writer = ReplyWriter(
            persona,
            llm,
            self.guardrails,
            max_tokens=self.options.max_tokens,
            temperature=self.options.temperature,
            stop=stop_sequences(self.options.rep_name),
            rng=self._rng,
            seed=self.options.seed,
        )
        self._history: list[Exchange] = []
        self._silence_prompted = False
        self._pending: _Pending | None = None

    @property
    def ended(self) -> bool:
        return self.state.ended is not None

    def opening_line(self) -> str | None:
        """The buyer's first words if it picks up the phone (recorded as a buyer turn)."""
        if not self.persona.speaks_first or self.turns:
            return None
        line = self.persona.opening_line
        self._history.append(Exchange(_OPENING_SELLER, "Pick up the phone.", line))
        self.turns.append(BrainTurn("buyer", line))
        return line

    async def prewarm(self, timeout_s: float = 300.0) -> None:
        """Evaluate the prompt prefix once (max_tokens=1) so the first reply is fast.

        Call it after :meth:`opening_line`, so the opening exchange is part of
        the cached prefix. A cold 600-token prompt takes seconds to minutes on a
        CPU; the server's prefix cache then makes every later turn quick.
        """
        if self.llm is None:
            return
        messages = render_messages(
            self.persona,
            self._history,
            "Hello?",
            "Say hello.",
            history_turns=self.options.history_turns,
        )
        try:
            await self.llm.complete(messages, max_tokens=1, temperature=0.0, timeout_s=timeout_s)
        except LLMError as error:
            self.stats.llm_errors += 1
            logger.warning("pre-warm failed for %s: %s", self.persona.id, error)

    async def respond(
        self, rep_text: str, *, rep_turn_index: int | None = None, overlapped: bool = False
    ) -> AsyncIterator[str]:
        """Take one rep turn and stream the buyer's reply as clauses.

        ``rep_turn_index`` is the index of this rep turn in the caller's
        transcript (events carry it); by default the brain's own turn count.
        Yields nothing once the call has ended. Decisions and their events are
        recorded before the first clause, so they stand even if the caller stops
        listening (barge-in). Same as :meth:`decide` followed by :meth:`speak`.
        """
        if (
            await self.decide(rep_text, rep_turn_index=rep_turn_index, overlapped=overlapped)
            is None
        ):
            return
        stream = self.speak()
        try:
            async for clause in stream:
                yield clause
        finally:
            await stream.aclose()  # records the buyer turn now, also when the caller stops early

    async def decide(
        self, rep_text: str, *, rep_turn_index: int | None = None, overlapped: bool = False
    ) -> Decision | None:
        """Apply one rep turn by the rules (no LLM wording yet) and return the buyer's intent.

        Events are in :attr:`events` when this returns, except ``call_ended``,
        which :meth:`speak` records after the closing reply; call :meth:`speak`
        next to stream the reply. Returns None (and records nothing) once the call
        has ended. For callers that act on the decision before the words come
        (an acknowledgement sound, publishing events early).
        """
        if self.ended:
            return None
        turn = len(self.turns) if rep_turn_index is None else rep_turn_index
        self.turns.append(BrainTurn("rep", rep_text))
        self._silence_prompted = False
        analysis = await self._analyze(rep_text, overlapped)
        outcome = self.machine.apply(self.state, analysis, turn)
        closing = [event for event in outcome.events if event.type == "call_ended"]
        self.events.extend(event for event in outcome.events if event.type != "call_ended")
        decision = choose_intent(self.persona, self.state, analysis, outcome)
        direction = direction_for(
            self.persona,
            decision,
            self.state.trust,
            rng=self._rng,
            ended_by_rep=outcome.ended == "rep_ended",
        )
        record = ReplyRecord(intent=decision.intent)
        self.stats.replies.append(record)
        self._pending = _Pending(rep_text, turn, decision, direction, record, closing)
        return decision

    async def speak(self) -> AsyncIterator[str]:
        """Stream the reply to the last :meth:`decide`; the buyer turn is recorded as spoken."""
        pending, self._pending = self._pending, None
        if pending is None:
            raise RuntimeError("speak() needs a decide() first")
        record = pending.record
        spoken: list[str] = []
        try:
            if self.llm is None:
                spoken.append(authored_line(self.persona, pending.decision, self._rng))
                record.source, record.text = "fallback", spoken[0]
                yield spoken[0]
                return
            messages = render_messages(
                self.persona, self._history, pending.rep_text, pending.direction,
                history_turns=self.options.history_turns,
            )  # fmt: skip
            allowed = set(self.state.revealed)
            async for clause in self._writer.write(
                messages, pending.decision, allowed, pending.turn, self.events.append, record
            ):
                spoken.append(clause)
                yield clause
        finally:
            if record.llm_error:
                self.stats.llm_errors += 1
            text = " ".join(spoken)
            self._history.append(Exchange(pending.rep_text, pending.direction, text))
            self.turns.append(BrainTurn("buyer", text))
            self.events.extend(pending.closing_events)

    def checkpoint(self) -> BrainCheckpoint:
        """Everything a rep turn changes, to undo a speculative reply that was never heard."""
        return BrainCheckpoint(
            state=copy.deepcopy(self.state),
            events=len(self.events),
            turns=list(self.turns),
            history=list(self._history),
            replies=len(self.stats.replies),
            llm_errors=self.stats.llm_errors,
            silence_prompted=self._silence_prompted,
            rng=self._rng.getstate(),
            last_fallback=self._writer.last_fallback,
        )

    def restore(self, checkpoint: BrainCheckpoint) -> None:
        """Go back to ``checkpoint``: the turns after it never happened."""
        self.state = copy.deepcopy(checkpoint.state)
        del self.events[checkpoint.events :]
        self.turns[:] = checkpoint.turns
        self._history[:] = checkpoint.history
        del self.stats.replies[checkpoint.replies :]
        self.stats.llm_errors = checkpoint.llm_errors
        self._silence_prompted = checkpoint.silence_prompted
        self._rng.setstate(checkpoint.rng)
        self._writer.last_fallback = checkpoint.last_fallback
        self._pending = None

    async def reply(self, rep_text: str, **kwargs: Any) -> str:
        """The whole reply as one string (text chat, tests)."""
        return " ".join([clause async for clause in self.respond(rep_text, **kwargs)])

    def on_silence(self, seconds: float) -> str | None:
        """The rep has said nothing for ``seconds``: maybe prompt, or hang up after too long.

        Returns an authored line to speak (recorded as a buyer turn) or None.
        """
        if self.ended:
            return None
        patience = self.persona.patience
        if seconds >= patience.silence_end_s:
            self.events.extend(self.machine.end_on_silence(self.state).events)
            line = authored_line(self.persona, Decision("end_call"), self._rng)
        elif seconds >= patience.silence_prompt_s and not self._silence_prompted:
            self._silence_prompted = True
            line = authored_line(self.persona, Decision("silence_prompt"), self._rng)
        else:
            return None
        self.turns.append(BrainTurn("buyer", line))
        self._history.append(Exchange("(silence)", "They went quiet.", line))
        return line

    def note_interrupted(self, spoken_text: str) -> None:
        """The rep barged in: only ``spoken_text`` of the last reply was heard."""
        if self.turns and self.turns[-1].speaker == "buyer":
            self.turns[-1] = BrainTurn("buyer", spoken_text)
        if self._history:
            last = self._history[-1]
            self._history[-1] = Exchange(last.seller, last.direction, spoken_text)

    def snapshot(self) -> dict[str, Any]:
        """Turns, events and state as JSON (the ``chat --json`` document, less ``persona``)."""
        return {
            "turns": [{"speaker": t.speaker, "text": t.text} for t in self.turns],
            "events": [event_to_json(event) for event in self.events],
            "state": self.state.to_json(),
        }

    async def _analyze(self, rep_text: str, overlapped: bool) -> UtteranceAnalysis:
        last_buyer = next((t.text for t in reversed(self.turns) if t.speaker == "buyer"), "")
        analysis = analyze(
            rep_text,
            last_buyer_text=last_buyer,
            monologue_words=self.persona.rep_monologue_words,
            overlapped=overlapped,
        )
        if self.options.use_llm_classifier and self.llm is not None:
            analysis = await refine_with_llm(self.llm, analysis)
        return analysis
