"""The prompt's history window: bounded, and stable between its steps (prefix cache)."""

from __future__ import annotations

from personas import load_library
from simulator.brain.prompt import Exchange, history_window_start, render_messages


def test_window_keeps_everything_until_full_then_moves_in_half_steps() -> None:
    assert [history_window_start(n, 24) for n in (0, 1, 24)] == [0, 0, 0]
    assert [history_window_start(n, 24) for n in (25, 30, 36)] == [12, 12, 12]
    assert [history_window_start(n, 24) for n in (37, 48, 49)] == [24, 24, 36]
    for exchanges in range(200):
        kept = exchanges - history_window_start(exchanges, 24)
        assert kept == exchanges if exchanges <= 24 else 12 < kept <= 24
    assert history_window_start(5, 1) == 4  # a one-exchange window still keeps the last one


def test_a_long_call_keeps_the_prompt_prefix_between_window_steps() -> None:
    persona = load_library().get("busy-exec-cold-call")
    history = [Exchange(f"question {i}?", "answer briefly", f"reply {i}.") for i in range(40)]

    def prompt(exchanges: int) -> list[dict]:
        return render_messages(persona, history[:exchanges], "next?", "answer", history_turns=24)

    # within one step every earlier message stays as it was: only new turns are appended
    for exchanges in range(26, 36):
        before, after = prompt(exchanges), prompt(exchanges + 1)
        assert after[: len(before) - 1] == before[:-1]
    # at a step the oldest half of the window drops out at once
    assert len(prompt(37)) < len(prompt(36))
    first_history_message = 1 + 2 * 4  # after the system message and four few-shot pairs
    assert "question 24?" in prompt(37)[first_history_message]["content"]
