"""``run_agent.py bench speech`` and ``run_agent.py repair-wav`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from audio import WavRecorder, read_wav
from run_agent import main
from simulator.cli.bench_speech import word_error_rate


@pytest.mark.slow
def test_bench_speech_json_reports_every_measurement(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "speech", "--runs", "1", "--models", "whisper-tiny.en", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["runs"] == 1
    assert [(row["model"], row["clip_s"]) for row in report["stt"]] == [
        ("whisper-tiny.en", 3.0),
        ("whisper-tiny.en", 10.0),
    ]
    for row in report["stt"]:
        assert (row["standard_used"], row["fast_used"]) == ("standard", "fast")
        assert row["standard_s"] > 0 and row["fast_s"] > 0
        assert row["speedup"] == pytest.approx(row["standard_s"] / row["fast_s"], rel=0.02)
        assert row["standard_wer"] <= 0.1 and row["fast_wer"] <= 0.1
    tts = report["tts"]
    assert tts["first_audio_s"] > 0 and tts["real_time_factor"] > 0 and tts["reply_audio_s"] > 5
    assert report["vad"]["us_per_frame"] > 0 and report["vad"]["frame_ms"] == 30


def test_word_error_rate_counts_edits_over_reference_words() -> None:
    assert word_error_rate("Who else is involved?", "who else is involved") == 0.0
    assert word_error_rate("who else is involved", "who is involved today") == pytest.approx(0.5)
    assert word_error_rate("one two", "") == 1.0


def test_repair_wav_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "call.wav"
    with WavRecorder(path, sample_rate=16000, flush_every_s=1.0) as recorder:
        recorder.write(0, 0, np.full(1600, 1000, np.int16))
    with path.open("ab") as stream:
        stream.write(
            np.full(1600, 500, np.int16).tobytes() + b"\x07"
        )  # unflushed tail + half frame
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"not audio at all")

    assert main(["repair-wav", str(path), str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: repaired: 0.15 s, 2 channels at 16000 Hz, dropped 1 bytes" in out
    assert f"{broken}: FAILED" in out and "not a WAV file" in out
    assert read_wav(path)[0].shape == (1600 + 800, 2)
    assert main(["repair-wav", str(path)]) == 0
    assert "already sound" in capsys.readouterr().out
