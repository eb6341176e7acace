"""End to end: simulated calls over the WebSocket transport with the real models.

Real faster-whisper (tiny.en), Piper, webrtcvad, livekit-agents and the buyer
brain on SmolLM2 through the embedded llama.cpp server (shared for the session).
Each test is one short call in real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import wave
from pathlib import Path

import jiwer
import numpy as np
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from audio.stt import SttOptions, WhisperStt
from personas.loader import load_library
from simulator.events import Transcript
from simulator.live.factory import LiveOptions, SpeechModels, persona_voice
from simulator.live.recording import recover_session
from simulator.live.runtime import brain_factory
from simulator.live.service import LivePipeline, LiveSessionStarter
from simulator.simrep.client import SimulatedRep, rep_voice
from simulator.simrep.script import RepScript, parse_script
from simulator.transport.handler import CallSessionHandler
from simulator.transport.protocol import INPUT_FRAME_BYTES
from simulator.transport.server import serve_calls

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PERSONA = "busy-exec-cold-call"
PATIENT_PERSONA = "friendly-smb-owner"
RATE = 16000


@pytest.fixture(scope="module")
def models(whisper_tiny_dir: Path, piper_voice_path: Path) -> SpeechModels:
    return SpeechModels.load(whisper_tiny_dir, piper_voice_path)


@pytest.fixture(scope="module")
def personas():  # noqa: ANN201
    return load_library()


@pytest.fixture
async def pipeline(models: SpeechModels, smollm2_server):  # noqa: ANN001, ANN201
    client = smollm2_server.client()
    yield LivePipeline(
        models=models,
        brain_factory=brain_factory(client, ack_rate=1.0, seed=5),
        options=LiveOptions(),
    )
    await client.aclose()


def simulated_rep(url: str, models: SpeechModels, personas, script: RepScript,  # noqa: ANN001
                  persona_id: str = PERSONA, **kw) -> SimulatedRep:  # noqa: ANN003
    persona = personas.get(persona_id)
    return SimulatedRep(url=url, persona=persona_id, script=script, tts=models.piper,
                        voice=rep_voice(persona_voice(persona)), **kw)


def read_channels(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (2, RATE, 2)
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).reshape(-1, 2)
    return data[:, 0], data[:, 1]


def voiced(channel: np.ndarray, start_s: float, end_s: float, window_s: float = 0.02) -> np.ndarray:
    """Per-window RMS above a speech threshold, for ``[start_s, end_s)``."""
    start, end = int(start_s * RATE), min(int(end_s * RATE), channel.size)
    window = int(window_s * RATE)
    frames = channel[start : end - (end - start) % window].astype(np.float32).reshape(-1, window)
    return np.sqrt(np.mean(frames**2, axis=1)) > 300


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


async def test_a_full_call_records_both_sides_and_a_barge_in_cuts_the_buyer(
    pipeline: LivePipeline, models: SpeechModels, personas, tmp_path: Path, whisper_base_dir: Path  # noqa: ANN001
) -> None:
    # a patient persona: this call is about turn-taking and recording, so the buyer must not
    # hang up on the barge-ins (a hard persona may, and rightly so)
    script = parse_script(
        """
        - "Hi Rob, this is Sam from Acme. Do you have a minute?"
        - say: "Right."
          barge_in_after_s: 0.6
        - "How are you handling crew scheduling today?"
        - say: "Sorry to cut in, how often does that happen each month?"
          barge_in_after_s: 0.3
        """
    )
    starter = LiveSessionStarter(pipeline, personas, tmp_path, single_directory=True)
    async with serve_calls(CallSessionHandler(starter)) as server:
        run = await simulated_rep(server.url, models, personas, script, PATIENT_PERSONA).run()
    assert run.error is None, run.error
    assert run.ended == {"type": "ended", "reason": "rep_ended", "complete": True}
    assert all(line.reply_latency_s is not None for line in run.lines), run.lines

    transcript = json.loads((tmp_path / "transcript.json").read_text())
    Transcript.model_validate(transcript)
    assert transcript["complete"] is True
    turns = transcript["turns"]
    rep_turns = [t for t in turns if t["speaker"] == "rep"]
    buyer_turns = [t for t in turns if t["speaker"] == "buyer"]
    assert len(rep_turns) >= 3 and len(buyer_turns) >= 3
    assert transcript["events"][-1] == {"type": "call_ended", "turn": turns.index(rep_turns[-1]),
                                        "reason": "rep_ended"}

    # the backchannel ("Right." over the buyer) took no turn and cut nobody off
    assert not [t for t in rep_turns if normalise(t["text"]) in ("right", "")]
    # the barge-in: the buyer turn it cut is marked, and its audio stops right after the rep starts
    barge = run.lines[3]
    assert barge.buyer_cut_s is not None and barge.buyer_cut_s < 0.45, barge
    cut = [t for t in buyer_turns if t.get("interrupted")]
    assert len(cut) == 1, buyer_turns
    rep, buyer = read_channels(tmp_path / "recording.wav")
    interrupting = next(t for t in rep_turns if t["start"] >= cut[0]["start"] - 0.5)
    rep_onset = interrupting["start"] + np.argmax(voiced(rep, interrupting["start"], interrupting["end"])) * 0.02
    buyer_voice = voiced(buyer, cut[0]["start"], cut[0]["end"] + 1.0)
    buyer_last = cut[0]["start"] + (np.flatnonzero(buyer_voice).max() + 1) * 0.02
    assert buyer_last - rep_onset < 0.45, (rep_onset, buyer_last)

    # the buyer channel holds speech where the transcript says, and nothing elsewhere:
    # each buyer turn starts and ends with its audio (Piper leaves short pauses between
    # clauses and after the last word), and no buyer audio lies outside the turns
    speech = np.flatnonzero(voiced(buyer, 0, buyer.size / RATE)) * 0.02
    for turn in buyer_turns:
        inside = speech[(speech >= turn["start"] - 0.05) & (speech < turn["end"] + 0.05)]
        assert inside.size * 0.02 >= 0.1, turn
        assert inside[0] - turn["start"] < 0.3, turn
        assert turn["end"] - (inside[-1] + 0.02) < 0.6, turn
    outside = [t for t in speech
               if not any(b["start"] - 0.1 <= t <= b["end"] + 0.1 for b in buyer_turns)]
    assert not outside, outside[:10]

    # the rep channel transcribes back to the script (an offline check: beam search, as a
    # careful listener, since the rep's pitched synthetic voice makes names borderline)
    whisper = WhisperStt(whisper_base_dir, SttOptions(beam_size=5))
    spoken = " ".join(
        whisper.transcribe(rep[int(t["start"] * RATE) - 3200 : int(t["end"] * RATE) + 3200],
                           decoder="standard").text
        for t in rep_turns
    )
    expected = " ".join(line.say for line in script.lines if line.say != "Right.")
    assert jiwer.wer(normalise(expected), normalise(spoken)) <= 0.15, spoken

    metrics = json.loads((tmp_path / "metrics.json").read_text())["turns"]
    assert len(metrics) >= 2 and all(m["first_audio_s"] > 0 for m in metrics)


async def test_malformed_frames_end_only_the_offending_session(
    pipeline: LivePipeline, models: SpeechModels, personas, tmp_path: Path  # noqa: ANN001
) -> None:
    starter = LiveSessionStarter(pipeline, personas, tmp_path)
    # the good caller also stays silent after the opening line, long enough to be prompted
    persona = personas.get(PERSONA)
    silence = persona.patience.silence_prompt_s + 1.5
    script = parse_script(
        f'- say: "Hi Dana, this is Sam from Acme. Do you have a minute?"\n  pause_before_s: {silence}\n'
    )
    async with serve_calls(CallSessionHandler(starter)) as server:
        good = asyncio.create_task(simulated_rep(server.url, models, personas, script).run())

        async def bad_client(payload: bytes | str) -> tuple[dict, int | None]:
            async with connect(server.url) as ws:
                await ws.send(json.dumps({"type": "start", "persona": PERSONA}))
                messages = []
                await ws.send(bytes(INPUT_FRAME_BYTES))
                await asyncio.sleep(1.0)
                await ws.send(payload)
                with contextlib.suppress(ConnectionClosed):  # closed with the error's code
                    async for message in ws:
                        if isinstance(message, str):
                            messages.append(json.loads(message))
                error = next(m for m in messages if m["type"] == "error")
                return error, ws.close_code

        (odd_frame, odd_close), (text_audio, text_close) = await asyncio.gather(
            bad_client(bytes(333)), bad_client("AAAA" * 100)
        )
        run = await good
    assert odd_frame["code"] == "bad_frame_size" and odd_close == 1003
    assert "640 bytes" in odd_frame["message"]
    assert text_audio["code"] == "invalid_json" and text_close == 1003
    assert run.error is None and run.ended is not None and run.ended["reason"] == "rep_ended"
    assert run.lines[0].reply_latency_s is not None
    finished = [json.loads(p.read_text()) for p in tmp_path.glob("*/transcript.json")]
    assert sorted(t.get("end_reason") for t in finished) == ["protocol_error", "protocol_error", "rep_ended"]
    (good_call,) = [t for t in finished if t["end_reason"] == "rep_ended"]
    buyer_lines = [t["text"] for t in good_call["turns"] if t["speaker"] == "buyer"]
    assert any(line in persona.examples.silence_prompt for line in buyer_lines), buyer_lines


async def test_a_server_killed_mid_call_leaves_recoverable_files(
    models: SpeechModels, personas, smollm2_server, tmp_path: Path  # noqa: ANN001
) -> None:
    env = {**os.environ, "ROLEPLAY_LLM_BASE_URL": smollm2_server.base_url,
           "ROLEPLAY_LLM_MODEL_NAME": smollm2_server.alias, "PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "simulator.live.standalone", "--out", str(tmp_path), "--seed", "5"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True,
    )
    try:
        assert server.stdout is not None
        ready = await asyncio.wait_for(asyncio.to_thread(server.stdout.readline), timeout=300)
        assert ready.startswith("READY ws://"), ready
        rep_committed = asyncio.Event()

        def on_message(message: dict) -> None:
            if message.get("type") == "transcript" and message["speaker"] == "rep" and message["final"]:
                rep_committed.set()

        script = parse_script(
            '- "Hi Dana, this is Sam from Acme. Do you have a minute?"\n'
            '- "How are you handling shift scheduling today?"\n'
        )
        rep = asyncio.create_task(
            simulated_rep(ready.split()[1], models, personas, script, on_message=on_message).run()
        )
        await asyncio.wait_for(rep_committed.wait(), timeout=300)
        await asyncio.sleep(1.0)  # the buyer's reply is on its way: mid-call
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        run = await asyncio.wait_for(rep, timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
        log.close()
    assert run.ended is None  # the server died: no goodbye
    (session,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    recovered = recover_session(session)
    assert not recovered.complete
    assert recovered.turns >= 2  # the opening line and the rep's first line
    transcript = json.loads((session / "transcript.json").read_text())
    Transcript.model_validate(transcript)
    rep, _buyer = read_channels(session / "recording.wav")
    last_rep = max(t["end"] for t in transcript["turns"] if t["speaker"] == "rep")
    assert rep.size / RATE >= last_rep - 0.6  # the audio of what the transcript holds survived
