"""The buyer brain against the real embedded llama.cpp server with SmolLM2.

SmolLM2-135M cannot hold a role by itself (field notes), which makes it a good
adversary for the guardrails: whatever it generates, every reply that reaches
the rep must pass them, and the decisions (events) must follow the rules.
"""

from __future__ import annotations

import pytest

from personas import load_library
from personas.textstats import contains_phrase
from simulator.brain import BrainOptions, BuyerBrain
from simulator.brain.analysis import analyze
from simulator.brain.classifier import refine_with_llm
from simulator.brain.scripts import ADVERSARIAL, GOOD_DISCOVERY
from simulator.events import FactRevealed
from simulator.llm import EmbeddedLLMServer

pytestmark = pytest.mark.slow
LIBRARY = load_library()


async def _say_and_check(brain: BuyerBrain, line: str) -> str:
    """One rep turn; the spoken reply must pass every guardrail as of that turn."""
    reply = await brain.reply(line)
    intent = brain.stats.replies[-1].intent
    if reply:
        assert brain.guardrails.check_reply(reply, set(brain.state.revealed), intent) is None, reply
    return reply


async def test_adversarial_first_lines_stay_safe(smollm2_server: EmbeddedLLMServer) -> None:
    """Every persona is checked without an LLM in test_brain_state.py; one here, for real."""
    persona = LIBRARY.get("busy-exec-cold-call")
    client = smollm2_server.client()
    for line in ADVERSARIAL.render(persona):
        brain = BuyerBrain(persona, client, BrainOptions(seed=3))
        brain.opening_line()
        reply = await _say_and_check(brain, line)
        assert reply, line
        assert not any(isinstance(e, FactRevealed) for e in brain.events), line
        assert brain.guardrails.leaked_facts(reply, set()) == [], reply
        assert brain.state.ended != "agreed_next_step"
    await client.aclose()


async def test_good_discovery_reveals_what_it_says(smollm2_server: EmbeddedLLMServer) -> None:
    persona = LIBRARY.get("busy-exec-cold-call")
    client = smollm2_server.client()
    brain = BuyerBrain(persona, client, BrainOptions(seed=5))
    brain.opening_line()
    await brain.prewarm()
    for line in GOOD_DISCOVERY.render(persona)[:5]:  # facts come out on turns 2-5
        await _say_and_check(brain, line)
    await client.aclose()
    revealed = [e for e in brain.events if isinstance(e, FactRevealed)]
    assert len(revealed) >= 2
    rep_turns = {i for i, turn in enumerate(brain.turns) if turn.speaker == "rep"}
    assert all(event.turn in rep_turns for event in brain.events)
    for event in revealed:
        # the reply right after the rep turn that earned the fact says it
        heard = brain.turns[event.turn + 1].text
        assert any(contains_phrase(heard, m) for m in persona.fact(event.fact).markers), heard
    assert sum(r.source == "llm" for r in brain.stats.replies) >= 1
    assert brain.stats.llm_errors == 0


async def test_llm_classifier_only_adds_known_labels(smollm2_server: EmbeddedLLMServer) -> None:
    client = smollm2_server.client()
    base = analyze("Yeah, I get where you're coming from. What keeps your CFO awake at night?")
    rules_topics, rules_signals = set(base.topics), set(base.signals)
    refined = await refine_with_llm(client, base)
    await client.aclose()
    assert refined.topics >= rules_topics and refined.signals >= rules_signals
    assert refined.signals - rules_signals <= {"acknowledgement", "empathy"}
    assert refined.question_quality == "open"
