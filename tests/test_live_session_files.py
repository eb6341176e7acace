"""Session files: the transcript contract, incremental atomic writes, crash recovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from simulator.events import Transcript
from simulator.live.recording import CallRecording, recover_session
from simulator.live.session_log import SessionLog, Turn, TurnMetrics


def read(directory: Path, name: str) -> dict:
    return json.loads((directory / name).read_text())


def test_every_change_is_on_disk_as_valid_json_marked_incomplete(tmp_path: Path) -> None:
    log = SessionLog(tmp_path, session_id="s1", persona="busy-exec-cold-call")
    assert read(tmp_path, "transcript.json")["complete"] is False
    log.add_turn(Turn("buyer", 0.2, 1.1, "Dana Whitfield."))
    rep = log.add_turn(Turn("rep", 2.0, 4.5, "Hi Dana, do you have a minute?"))
    log.add_brain_event({"type": "trust_changed", "turn": rep, "trust": 29, "delta": 4,
                         "reason": "permission_ask"}, at_s=5.0)
    log.add_turn(Turn("buyer", 5.0, 5.6, "Okay, I", interrupted=True))
    log.add_metrics(TurnMetrics(rep_turn=rep, speech_end_s=4.5, first_audio_s=0.5))
    transcript = read(tmp_path, "transcript.json")
    Transcript.model_validate(transcript)  # the evaluation contract
    assert transcript["complete"] is False
    assert [t["speaker"] for t in transcript["turns"]] == ["buyer", "rep", "buyer"]
    assert transcript["turns"][2]["interrupted"] is True
    assert "interrupted" not in transcript["turns"][1]
    assert transcript["events"] == [{"type": "trust_changed", "turn": 1, "trust": 29, "delta": 4,
                                     "reason": "permission_ask"}]
    assert read(tmp_path, "events.json")["events"][0]["t"] == 5.0
    assert read(tmp_path, "metrics.json")["turns"][0]["first_audio_s"] == 0.5
    log.close(duration_s=7.5, complete=True, end_reason="rep_ended")
    final = read(tmp_path, "transcript.json")
    assert final["complete"] is True and final["end_reason"] == "rep_ended"
    assert final["duration_s"] == 7.5
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_rep_turn_committed_late_goes_before_the_buyer_turns_it_overlaps(tmp_path: Path) -> None:
    log = SessionLog(tmp_path, session_id="s1", persona=None)
    log.add_turn(Turn("rep", 1.0, 2.0, "First question?"))
    log.add_turn(Turn("buyer", 2.5, 3.0, "Well,", interrupted=True))
    index = log.add_turn(Turn("rep", 2.8, 5.0, "Sorry, one more thing."))
    assert index == 2  # barged in after the buyer started: stays after it
    index = log.add_turn(Turn("rep", 0.5, 0.9, "Hello?"))
    assert index == 3  # never moved before another rep turn (event indices stay valid)
    log.add_turn(Turn("buyer", 6.0, 7.0, "Go on."))
    late = log.add_turn(Turn("rep", 5.5, 7.5, "So what does it cost?"))
    assert late == 4
    assert [t.text for t in log.turns][-2:] == ["So what does it cost?", "Go on."]


def test_rep_audio_is_laid_end_to_end_from_its_first_frame(tmp_path: Path) -> None:
    recording = CallRecording(tmp_path)
    frame = np.full(320, 1000, dtype=np.int16)
    assert recording.write_rep(frame, arrived_s=0.52) == pytest.approx(0.5)  # the frame's start
    assert recording.write_rep(frame, arrived_s=0.9) == pytest.approx(0.52)  # read late: still next
    assert recording.write_rep(frame, arrived_s=0.9) == pytest.approx(0.54)
    recording.write_buyer(np.full(1600, -2000, dtype=np.int16), at_s=1.0)
    recording.close()
    with wave.open(str(tmp_path / "recording.wav")) as wav:
        assert (wav.getnchannels(), wav.getframerate()) == (2, 16000)
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).reshape(-1, 2)
    rep, buyer = data[:, 0], data[:, 1]
    assert np.all(rep[:8000] == 0) and np.all(rep[8000:8960] == 1000) and np.all(rep[8960:] == 0)
    assert np.all(buyer[16000:17600] == -2000) and np.all(buyer[:16000] == 0)


_KILLED_WRITER = textwrap.dedent(
    """
    import os, sys, time
    import numpy as np
    from pathlib import Path
    from simulator.live.recording import CallRecording
    from simulator.live.session_log import SessionLog, Turn
    directory = Path(sys.argv[1])
    log = SessionLog(directory, session_id="crash", persona="p")
    recording = CallRecording(directory, flush_every_s=0.1)
    for i in range(40):
        recording.write_rep(np.full(320, 500, dtype=np.int16), i * 0.02)
    log.add_turn(Turn("rep", 0.0, 0.8, "Hello there"))
    time.sleep(0.5)
    print("written", flush=True)
    time.sleep(60)
    """
)


def test_a_process_killed_mid_call_leaves_recoverable_files(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(tmp_path)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "written"
        os.kill(process.pid, 9)
    finally:
        process.wait(timeout=10)
    recovered = recover_session(tmp_path)
    assert not recovered.complete
    assert recovered.turns == 1
    assert recovered.recording_frames >= 0.7 * 16000
    with wave.open(str(tmp_path / "recording.wav")) as wav:
        assert wav.getnframes() == recovered.recording_frames


def test_recover_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="recording.wav"):
        recover_session(tmp_path)
