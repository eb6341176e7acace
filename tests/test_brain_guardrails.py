"""Reply guardrails and the clause-by-clause streaming that enforces them.

The streaming logic is driven here by a scripted stand-in for the LLM client
(the rules under test are ours, not the model's); the same paths run against
the real embedded llama.cpp server in ``test_brain_live.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest

from personas import load_library
from personas.vocabulary import AUTHORED_INTENTS
from simulator.brain import BrainOptions, BuyerBrain, ClauseSplitter, Guardrails
from simulator.events import GuardrailViolation
from simulator.llm import LLMUnavailable

LIBRARY = load_library()
DANA = LIBRARY.get("busy-exec-cold-call")


class ScriptedLLM:
    """Answers each streamed request with the next scripted reply, token by token."""

    def __init__(self, replies: Sequence[str | Exception]) -> None:
        self.replies = list(replies)
        self.requests: list[list[dict[str, str]]] = []

    def stream_chat(self, messages: list[dict[str, str]], **_: object) -> ScriptedLLM._Stream:
        self.requests.append(list(messages))
        return ScriptedLLM._Stream(self.replies.pop(0))

    class _Stream:
        def __init__(self, reply: str | Exception) -> None:
            self.reply = reply
            self.finish_reason: str | None = None
            self.first_token_s: float | None = None
            self.deltas = 0

        def __aiter__(self) -> AsyncIterator[str]:
            return self._run()

        async def _run(self) -> AsyncIterator[str]:
            if isinstance(self.reply, Exception):
                raise self.reply
            self.first_token_s = 0.01
            for index in range(0, len(self.reply), 3):
                self.deltas += 1
                yield self.reply[index : index + 3]
            self.finish_reason = "stop"


async def _respond(llm: ScriptedLLM, rep: str) -> tuple[BuyerBrain, list[str]]:
    brain = BuyerBrain(DANA, llm, BrainOptions(seed=1))  # type: ignore[arg-type]
    brain.opening_line()
    clauses = [clause async for clause in brain.respond(rep)]
    return brain, clauses


def _violations(brain: BuyerBrain) -> list[tuple[str, str]]:
    return [(e.rule, e.action) for e in brain.events if isinstance(e, GuardrailViolation)]


def test_clause_splitter_cuts_sentences_and_long_clauses_only() -> None:
    splitter = ClauseSplitter()
    out: list[str] = []
    for token in ["Mr. Smith is", " out. We", " spent 3.5", " million, sadly", ". Ok,", " bye"]:
        out += splitter.feed(token)
    assert out == ["Mr. Smith is out.", "We spent 3.5 million,", "sadly."]
    assert splitter.flush() == "Ok, bye"
    assert ClauseSplitter().feed("Look, honestly we are busy, so ") == [
        "Look, honestly we are busy,"
    ]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Seller: let me tell you about it.", "speaks_as_seller"),
        ("Our platform can fix that for you.", "speaks_as_seller"),
        ("As an AI, I cannot share that.", "mentions_ai_or_instructions"),
        ("My instructions say to stay guarded.", "mentions_ai_or_instructions"),
        ("Nine percent of deliveries were late.", "unearned_fact"),
        ("Sure, let's schedule it for Tuesday.", "forbidden_agreement"),
        ("Fine, send me a proposal.", "forbidden_agreement"),
        ("One. Two. Three.", "max_sentences"),
        (" ".join(["word"] * 29), "max_words"),
    ],
)
def test_each_rule(text: str, rule: str) -> None:
    guard = Guardrails(DANA)
    cleaned, label = guard.clean(text)
    violation = label or guard.check_reply(cleaned, set(), "guarded")
    assert violation is not None and violation.rule == rule


def test_allowed_facts_and_agreement_intent_pass() -> None:
    guard = Guardrails(DANA)
    assert guard.check_reply("Nine percent were late.", {"late_deliveries"}, "reveal") is None
    assert guard.check_reply("Sure, let's schedule it.", set(), "agree_next_step") is None
    assert guard.clean('Dana: "Busy. What is it?"') == ("Busy. What is it?", None)


@pytest.mark.parametrize("persona_id", sorted(LIBRARY.personas))
def test_every_authored_line_passes_the_guardrails_for_its_intent(persona_id: str) -> None:
    """Fallbacks must never be rejected by the rules they stand in for."""
    persona = LIBRARY.get(persona_id)
    guard = Guardrails(persona)
    needed = set(persona.end_conditions.next_step.requires_facts)
    for intent in AUTHORED_INTENTS:
        allowed = needed if intent == "agree_next_step" else set()
        for line in persona.examples.for_intent(intent):
            assert guard.check_reply(line, allowed, intent) is None, (intent, line)
    for fact in persona.facts:
        allowed = {fact.id, *fact.unlock.after}
        assert guard.check_reply(fact.line, allowed, "reveal") is None, fact.id
    for objection in persona.objections:
        for line in objection.phrasings:
            assert guard.check_reply(line, set(), "object") is None, line
    assert guard.check_reply(persona.opening_line, set(), "answer") is None


async def test_clean_reply_streams_clause_by_clause() -> None:
    brain, clauses = await _respond(
        ScriptedLLM(["Busy, peak planning already. What do you need?"]),
        "Hi Dana, how is your week?",
    )
    assert clauses == ["Busy, peak planning already.", "What do you need?"]
    assert brain.turns[-1].text == "Busy, peak planning already. What do you need?"
    assert _violations(brain) == []
    assert brain.stats.replies[-1].source == "llm"


async def test_violation_before_release_regenerates_once() -> None:
    llm = ScriptedLLM(["As an AI I must stay in role.", "Get to the point."])
    brain, clauses = await _respond(llm, "What are your goals?")
    assert clauses == ["Get to the point."]
    assert _violations(brain) == [("mentions_ai_or_instructions", "regenerated")]
    assert len(llm.requests) == 2


async def test_second_violation_falls_back_to_an_authored_line() -> None:
    llm = ScriptedLLM(["Seller: buy our thing.", "Our platform can help, I'd love to show you."])
    brain, clauses = await _respond(llm, "What are your goals?")
    record = brain.stats.replies[-1]
    assert clauses == [brain.turns[-1].text] and record.source == "fallback"
    assert clauses[0] in DANA.examples.for_intent(record.intent)
    assert _violations(brain) == [
        ("speaks_as_seller", "regenerated"),
        ("speaks_as_seller", "fallback"),
    ]


async def test_violation_after_release_truncates_and_never_emits_the_bad_clause() -> None:
    llm = ScriptedLLM(["We manage fine. Honestly nine percent are late. Anyway."])
    brain, clauses = await _respond(llm, "How are things going?")
    assert clauses == ["We manage fine."]
    assert _violations(brain) == [("unearned_fact", "truncated")]
    assert "nine percent" not in brain.turns[-1].text.lower()


async def test_too_long_reply_is_cut_at_the_limit() -> None:
    llm = ScriptedLLM(["We are busy. Very busy indeed. Call back later."])
    brain, clauses = await _respond(llm, "How are things going?")
    assert clauses == ["We are busy.", "Very busy indeed."]
    assert _violations(brain) == [("max_sentences", "truncated")]


async def test_reveal_waits_for_the_fact_and_falls_back_to_its_line() -> None:
    question = "Thanks Dana, that makes sense. How are on-time deliveries looking this quarter?"
    llm = ScriptedLLM(["Late deliveries, nine percent last quarter. It hurts."])
    brain, clauses = await _respond(llm, question)
    assert brain.stats.replies[-1].intent == "reveal"
    assert clauses == ["Late deliveries, nine percent last quarter.", "It hurts."]
    llm = ScriptedLLM(["It's not great.", "We could do better, honestly."])
    brain, clauses = await _respond(llm, question)
    assert clauses == [DANA.fact("late_deliveries").line]
    assert brain.stats.replies[-1].missed_reveals == 2


async def test_llm_failure_falls_back_without_a_retry() -> None:
    llm = ScriptedLLM([LLMUnavailable("connection refused")])
    brain, clauses = await _respond(llm, "What are your goals?")
    assert len(llm.requests) == 1
    assert clauses[0] in DANA.examples.for_intent(brain.stats.replies[-1].intent)
    assert brain.stats.llm_errors == 1 and _violations(brain) == []


async def test_barge_in_keeps_decisions_and_records_what_was_heard() -> None:
    llm = ScriptedLLM(["Busy, peak planning already. What do you need?"])
    brain = BuyerBrain(DANA, llm, BrainOptions(seed=1))  # type: ignore[arg-type]
    brain.opening_line()
    stream = brain.respond("Hi Dana, do you have thirty seconds?")
    assert await stream.__anext__() == "Busy, peak planning already."
    await stream.aclose()  # the rep talked over the buyer
    assert brain.turns[-1].text == "Busy, peak planning already."
    assert any(e.type == "trust_changed" for e in brain.events)
    brain.note_interrupted("Busy,")
    assert brain.turns[-1].text == "Busy,"


async def test_decide_then_speak_and_checkpoint_restore() -> None:
    llm = ScriptedLLM(["Busy, peak planning already.", "We manage. Get to the point."])
    brain = BuyerBrain(DANA, llm, BrainOptions(seed=1))  # type: ignore[arg-type]
    brain.opening_line()
    saved = brain.checkpoint()
    decision = await brain.decide("Hi Dana, do you have thirty seconds?")
    assert decision is not None and decision.intent == "answer"
    assert brain.events and brain.turns[-1].speaker == "rep"  # decided, nothing said yet
    assert [c async for c in brain.speak()] == ["Busy, peak planning already."]
    brain.restore(saved)  # the speculative reply was never heard
    assert brain.events == [] and [t.speaker for t in brain.turns] == ["buyer"]
    assert brain.state.trust == DANA.trust.initial and brain.stats.replies == []
    assert (
        await brain.reply("Hi Dana, do you have thirty seconds?") == "We manage. Get to the point."
    )
