"""The live brain adapter: speculative replies are rolled back, acknowledgements, silence.

Uses the real ``BuyerBrain`` without an LLM (it then speaks its authored lines),
so every decision is the brain's own rule logic and the test is deterministic.
"""

from __future__ import annotations

import pytest

from personas.loader import load_library
from personas.schema import Persona
from simulator.brain import BrainOptions, BuyerBrain
from simulator.live.acknowledgements import BY_STYLE, Acknowledgements
from simulator.live.brain_adapter import LiveBrain
from simulator.live.plugins.brain_llm import Acknowledgement, ReplyContext

QUESTION = "How are you handling shift scheduling today?"
OTHER = "What happens when someone calls in sick at the last minute?"


@pytest.fixture(scope="module")
def persona() -> Persona:
    return load_library().get("busy-exec-cold-call")


def live_brain(persona: Persona, ack_rate: float = 0.0) -> LiveBrain:
    brain = BuyerBrain(persona, None, BrainOptions(seed=1))
    acks = Acknowledgements(persona, rate=ack_rate, seed=1) if ack_rate else None
    return LiveBrain(brain, acks)


async def reply(brain: LiveBrain, text: str, turn: int = 1) -> list:
    return [item async for item in brain.reply(text, ReplyContext(rep_turn=turn, overlapped=False))]


def text_of(items: list) -> str:
    return "".join(i if isinstance(i, str) else i.text for i in items if isinstance(i, str | Acknowledgement))


async def test_a_discarded_attempt_is_rolled_back_before_the_next(persona: Persona) -> None:
    reference = live_brain(persona)
    await reply(reference, QUESTION)
    speculative = live_brain(persona)
    first = await reply(speculative, QUESTION)  # preemptive attempt, never heard
    second = await reply(speculative, QUESTION)  # livekit regenerates for the same turn
    assert speculative.brain.state == reference.brain.state
    assert speculative.brain.events == reference.brain.events
    assert [t.speaker for t in speculative.brain.turns] == ["rep", "buyer"]
    assert [e for e in second if isinstance(e, dict)] == [e for e in first if isinstance(e, dict)]
    assert any(isinstance(e, dict) and e["type"] == "trust_changed" for e in second)


async def test_a_heard_reply_stays_and_the_next_turn_builds_on_it(persona: Persona) -> None:
    brain = live_brain(persona)
    await reply(brain, QUESTION, turn=1)
    brain.rep_turn_committed(QUESTION)
    brain.reply_heard()
    after_first = brain.brain.state.rep_turns
    await reply(brain, OTHER, turn=3)
    assert brain.brain.state.rep_turns == after_first + 1
    assert [t.speaker for t in brain.brain.turns] == ["rep", "buyer", "rep", "buyer"]


async def test_a_committed_turn_survives_a_barge_in_before_its_reply_was_heard(persona: Persona) -> None:
    brain = live_brain(persona)
    await reply(brain, QUESTION, turn=1)
    brain.rep_turn_committed(QUESTION)  # committed, but the rep talked again before any audio
    await reply(brain, OTHER, turn=2)
    assert [t.text for t in brain.brain.turns if t.speaker == "rep"] == [QUESTION, OTHER]


async def test_acknowledgements_lead_the_reply_in_the_persona_style(persona: Persona) -> None:
    brain = live_brain(persona, ack_rate=1.0)
    items = await reply(brain, QUESTION)
    spoken = [i for i in items if isinstance(i, str | Acknowledgement)]
    assert isinstance(spoken[0], Acknowledgement)
    assert spoken[0].text.strip() in BY_STYLE[persona.personality.style]
    assert len(spoken) >= 2  # the brain's own words follow
    assert brain.brain.turns[-1].text and brain.brain.turns[-1].text in text_of(items)


def test_no_acknowledgement_before_hanging_up(persona: Persona) -> None:
    acks = Acknowledgements(persona, rate=1.0, seed=2)
    assert acks.choose("end_call") is None and acks.choose("silence_prompt") is None
    chosen = [acks.choose("answer") for _ in range(6)]
    assert all(c in BY_STYLE[persona.personality.style] for c in chosen)
    assert all(a != b for a, b in zip(chosen, chosen[1:]))  # never the same twice in a row
    assert Acknowledgements(persona, rate=0.0).choose("answer") is None
    with pytest.raises(ValueError, match="rate"):
        Acknowledgements(persona, rate=1.5)


def test_silence_prompts_then_hangs_up_as_the_persona_says(persona: Persona) -> None:
    brain = live_brain(persona)
    patience = persona.patience
    assert brain.on_silence(patience.silence_prompt_s - 0.5, 0) is None
    prompt = brain.on_silence(patience.silence_prompt_s + 0.1, 0)
    assert prompt is not None and not prompt.end_call
    assert prompt.text in persona.examples.silence_prompt
    assert brain.on_silence(patience.silence_prompt_s + 1.0, 1) is None  # prompts once
    goodbye = brain.on_silence(patience.silence_end_s + 0.1, 1)
    assert goodbye is not None and goodbye.end_call
    assert {"type": "call_ended", "turn": None, "reason": "buyer_ended"} in goodbye.events
