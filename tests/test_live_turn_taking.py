"""Turn-taking policy, the transcription gate, rep scripts, latency summaries, worker setup."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.live.bench import ModeResult
from simulator.live.metrics import percentile
from simulator.live.turn_taking import TranscriptionGate, TurnTakingOptions, is_backchannel
from simulator.live.worker import (
    AGENT_NAME,
    WorkerConfigError,
    build_server,
    persona_for_job,
    worker_config,
)
from simulator.simrep.client import RepRun, trim_silence
from simulator.simrep.script import ScriptError, parse_script

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "text", ["", "...", "Mm-hmm.", "mhm", "Uh-huh, right.", "Okay.", "Yeah yeah.", "I see.", "Got it."]
)
def test_backchannels_and_noise_do_not_take_the_floor(text: str) -> None:
    assert is_backchannel(text)


@pytest.mark.parametrize(
    "text", ["Okay, but what does it cost?", "Right, so who signs off?", "Yes please send it", "No."]
)
def test_real_words_do(text: str) -> None:
    assert not is_backchannel(text)


def test_a_brief_mumble_is_a_backchannel_unless_it_is_an_interruption_cue() -> None:
    assert is_backchannel("N m", duration_s=0.45)  # a misheard "mm-hm"
    assert is_backchannel("pressure", duration_s=0.3)  # a misheard "sure"
    assert not is_backchannel("pressure", duration_s=1.2)  # long enough to be meant
    assert not is_backchannel("Wait.", duration_s=0.3)
    assert not is_backchannel("Sorry,", duration_s=0.4)
    assert not is_backchannel("N m")  # without a duration, words are words


def test_turn_handling_pins_local_vad_detection_and_interruption() -> None:
    handling = TurnTakingOptions().livekit_turn_handling()
    assert handling["turn_detection"] == "vad"
    assert handling["interruption"]["mode"] == "vad"
    assert handling["endpointing"]["max_delay"] <= 1.0
    assert handling["preemptive_generation"]["enabled"] is True
    options = TurnTakingOptions()
    assert options.stt_endpoint_options().silence_ms < options.vad_options().silence_ms


def test_turn_taking_options_refuse_contradictions() -> None:
    with pytest.raises(ValueError, match="stt_endpoint_ms"):
        TurnTakingOptions(stt_endpoint_ms=600, vad_silence_ms=400)
    with pytest.raises(ValueError, match="interruption_min_s"):
        TurnTakingOptions(interruption_min_s=5.0)


def test_the_gate_is_open_while_an_utterance_awaits_its_final() -> None:
    gate = TranscriptionGate()
    assert not gate.pending
    gate.utterance_opened()
    gate.utterance_opened()
    gate.utterance_finalised()
    assert gate.pending
    gate.utterance_finalised()
    gate.utterance_finalised()  # an extra final never makes it negative
    assert not gate.pending
    gate.utterance_opened()
    assert gate.pending


def test_scripts_parse_with_defaults_and_barge_ins() -> None:
    script = parse_script('- "Hello there."\n- say: "Sorry, what?"\n  barge_in_after_s: 0.8\n')
    assert [line.say for line in script.lines] == ["Hello there.", "Sorry, what?"]
    assert script.lines[0].pause_before_s == 0.4 and script.lines[0].barge_in_after_s is None
    assert script.lines[1].barge_in_after_s == 0.8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "non-empty YAML list"),
        ("say: hi", "non-empty YAML list"),
        ('- "ok"\n- say: "x"\n  pause_before_s: -1\n', "rep.yaml:2: line 2: pause_before_s"),
        ('- "ok"\n- sya: "typo"\n', "rep.yaml:2: line 2: say: Field required"),
        ('- "ok"\n- 42\n', "rep.yaml:2: line 2 must be a string or a mapping"),
        ('- "unclosed\n', "rep.yaml:"),
    ],
)
def test_bad_scripts_name_the_line_and_field(text: str, message: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_script(text, "rep.yaml")
    assert message in str(caught.value)


def test_trim_silence_keeps_only_a_short_lead_in() -> None:
    import numpy as np

    pcm = np.zeros(16000, dtype=np.int16)
    pcm[4000:8000] = 3000
    trimmed = trim_silence(pcm)
    assert trimmed.size == 4000 + 800 and trimmed[-1] == 3000


def test_latency_summary_reports_percentiles_and_stage_medians() -> None:
    result = ModeResult()
    run = RepRun()
    run.messages = [
        {"type": "metrics", "first_audio_s": 0.5, "first_token_s": 0.9, "speech_end_s": 12.0,
         "acknowledgement": True},
        {"type": "metrics", "first_audio_s": 0.7, "first_token_s": 1.1, "speech_end_s": 20.0,
         "acknowledgement": False},
    ]
    result.add(run)
    result.latencies = [0.5, 0.7, 0.9, 2.0]
    summary = result.summary(("first_audio_s", "first_token_s", "final_transcript_s"))
    assert summary["p50_s"] == pytest.approx(0.8)
    assert summary["p95_s"] == pytest.approx(percentile([0.5, 0.7, 0.9, 2.0], 95), abs=1e-3)
    assert summary["stages"] == {"first_audio_s": 0.6, "first_token_s": 1.0}
    assert summary["acknowledged_turns"] == 1
    assert ModeResult().summary(())["p50_s"] is None


def test_worker_without_a_livekit_server_says_what_to_set() -> None:
    with pytest.raises(WorkerConfigError, match="LIVEKIT_URL") as caught:
        worker_config("start", env={})
    assert "run_agent.py serve" in str(caught.value)
    with pytest.raises(WorkerConfigError, match="LIVEKIT_API_SECRET"):
        worker_config("dev", env={"LIVEKIT_URL": "ws://localhost:7880", "LIVEKIT_API_KEY": "k"})
    with pytest.raises(WorkerConfigError, match="must start with ws://"):
        worker_config("start", url="localhost:7880", api_key="k", api_secret="s", env={})


def test_worker_options_are_built_from_env_and_flags() -> None:
    env = {"LIVEKIT_URL": "ws://lk.internal:7880", "LIVEKIT_API_KEY": "key", "LIVEKIT_API_SECRET": "secret"}
    config = worker_config("dev", env=env)
    assert (config.url, config.api_key, config.dev) == ("ws://lk.internal:7880", "key", True)
    assert worker_config("start", url="wss://other:443", env=env).url == "wss://other:443"
    server = build_server(config)
    assert server._ws_url == config.url and server._agent_name == AGENT_NAME  # noqa: SLF001
    assert server._entrypoint_fnc is not None and server.setup_fnc is not None  # noqa: SLF001


def test_the_worker_command_fails_clearly_without_a_server() -> None:
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("LIVEKIT_")}
    completed = subprocess.run(
        [sys.executable, "run_agent.py", "worker", "start"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 2
    assert "LIVEKIT_URL" in completed.stderr and "docs/livekit.md" in completed.stderr


def test_the_job_persona_comes_from_metadata_or_the_room_name() -> None:
    known = {"busy-exec-cold-call", "roi-cfo"}
    assert persona_for_job('{"persona": "roi-cfo"}', "room-1", known) == "roi-cfo"
    assert persona_for_job("", "busy-exec-cold-call", known) == "busy-exec-cold-call"
    assert persona_for_job("not json", "roi-cfo:abc", known) == "roi-cfo"
    with pytest.raises(ValueError, match="no persona"):
        persona_for_job("", "lobby", known)


def test_turn_metrics_are_stamped_from_the_end_of_the_rep_speech() -> None:
    from simulator.live.metrics import LatencyTracker

    clock = {"now": 10.0}
    emitted = []
    tracker = LatencyTracker(lambda: clock["now"], emitted.append)
    tracker.rep_final("How do you schedule shifts?", start_s=8.0, end_s=9.8, dropped=False)
    tracker.rep_final("mm-hm", start_s=9.9, end_s=10.0, dropped=True)  # a backchannel: ignored
    generation = tracker.generation_started("How do you schedule shifts?")  # preemptive, at 10.0
    generation.acknowledgement, generation.acknowledgement_text = True, "Hm. "
    assert tracker.pending_span() == (8.0, 9.8)
    clock["now"] = 10.2
    tracker.turn_committed(rep_turn=3)
    assert tracker.pending_span() is None
    clock["now"] = 10.3
    tracker.buyer_audio_started(tracker.playing_generation())
    clock["now"] = 10.5
    tracker.first_text(generation, from_llm=True)
    tracker.buyer_words_played("Hm.")
    clock["now"] = 10.9
    tracker.buyer_words_played("Hm. Spreadsheets,")
    assert not emitted  # complete only when the reply has played
    tracker.reply_finished()
    (metrics,) = emitted
    assert metrics.rep_turn == 3 and metrics.speech_end_s == 9.8
    assert metrics.final_transcript_s == pytest.approx(0.2)
    assert metrics.turn_committed_s == pytest.approx(0.4)
    assert metrics.first_audio_s == pytest.approx(0.5)
    assert metrics.first_token_s == pytest.approx(0.7)
    assert metrics.first_content_audio_s == pytest.approx(1.1)
    assert metrics.preemptive and metrics.acknowledgement
    tracker.buyer_audio_started(None)  # an opening line or a silence prompt answers no turn
    tracker.reply_finished()
    assert len(emitted) == 1


async def test_a_speculative_reply_waits_for_the_commit_unless_the_rep_asked_a_question() -> None:
    import asyncio

    from simulator.live.turn_taking import CommitWatch, likely_final

    assert likely_final("How do you handle that today?")
    assert not likely_final("Thanks for taking my call.")
    watch = CommitWatch()
    wait = watch.next_commit()
    waiter = asyncio.create_task(wait())
    await asyncio.sleep(0.01)
    assert not waiter.done()
    watch.committed()
    await asyncio.wait_for(waiter, timeout=1)
    later = watch.next_commit()  # created after that commit: waits for the next one
    pending = asyncio.create_task(later())
    await asyncio.sleep(0.01)
    assert not pending.done()
    pending.cancel()
