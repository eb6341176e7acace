"""Crash-safe two-channel recording and WAV repair, including a real SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from audio import BUYER_CHANNEL, REP_CHANNEL, CorruptWavError, WavRecorder, read_wav, repair_wav

RATE = 16000
ROOT = Path(__file__).resolve().parents[1]


def _ramp(start: int, count: int, channel: int) -> np.ndarray:
    """A sample pattern that encodes its own position, so misplaced audio is visible."""
    positions = np.arange(start, start + count)
    return ((positions * (3 if channel else 7)) % 20000 - 10000).astype(np.int16)


def test_channels_are_time_aligned_and_gaps_are_silence(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    with WavRecorder(path, sample_rate=RATE, flush_every_s=0.1) as recorder:
        recorder.write(REP_CHANNEL, 0, _ramp(0, 8000, 0))
        recorder.write(BUYER_CHANNEL, 12000, _ramp(12000, 4000, 1))
        recorder.write(REP_CHANNEL, 20000, _ramp(20000, 1000, 0).tobytes())
        assert recorder.frames == 21000
    frames, rate = read_wav(path)
    assert rate == RATE and frames.shape == (21000, 2)
    assert np.array_equal(frames[:8000, 0], _ramp(0, 8000, 0))
    assert not frames[8000:20000, 0].any()
    assert np.array_equal(frames[20000:, 0], _ramp(20000, 1000, 0))
    assert not frames[:12000, 1].any() and not frames[16000:, 1].any()
    assert np.array_equal(frames[12000:16000, 1], _ramp(12000, 4000, 1))


def test_late_audio_is_patched_into_flushed_frames(tmp_path: Path) -> None:
    path = tmp_path / "late.wav"
    recorder = WavRecorder(path, sample_rate=RATE, flush_every_s=0.05, hold_back_s=0)
    recorder.write(REP_CHANNEL, 0, _ramp(0, 16000, 0))
    assert recorder.durable_frames == 16000
    recorder.write(BUYER_CHANNEL, 4000, _ramp(4000, 16000, 1))  # half on disk, half new
    recorder.close()
    frames, _ = read_wav(path)
    assert np.array_equal(frames[:16000, 0], _ramp(0, 16000, 0))  # left untouched by the patch
    assert np.array_equal(frames[4000:20000, 1], _ramp(4000, 16000, 1))
    with pytest.raises(ValueError, match="closed"):
        recorder.write(REP_CHANNEL, 0, _ramp(0, 10, 0))


def test_file_is_readable_at_every_flush(tmp_path: Path) -> None:
    path = tmp_path / "live.wav"
    recorder = WavRecorder(path, sample_rate=RATE, flush_every_s=0.25, hold_back_s=0.1)
    assert read_wav(path)[0].shape == (0, 2)  # valid from the moment it exists
    for block in range(8):
        recorder.write(REP_CHANNEL, block * 1600, _ramp(block * 1600, 1600, 0))
        frames, _ = read_wav(path)
        assert frames.shape[0] == recorder.durable_frames <= max(0, recorder.frames - 1600)
        assert recorder.frames - recorder.durable_frames < 4000 + 1600  # at most one block late
    # a flush once 4000 frames wait, keeping the newest 1600: to 3200, 6400 and 9600
    assert recorder.durable_frames == 9600
    assert recorder.flush() == recorder.frames == 12800
    assert np.array_equal(read_wav(path)[0][:, 0], _ramp(0, 12800, 0))
    recorder.close()


_WRITER = textwrap.dedent("""
    import sys
    import numpy as np
    from audio import WavRecorder

    def ramp(start, count, channel):
        positions = np.arange(start, start + count)
        return ((positions * (3 if channel else 7)) % 20000 - 10000).astype(np.int16)

    recorder = WavRecorder(sys.argv[1], sample_rate=16000, flush_every_s=0.1)
    # 20 ms blocks on both channels until killed (bounded, so a broken test cannot fill the disk)
    for position in range(0, 16000 * 120, 320):
        before = recorder.durable_frames
        recorder.write(0, position, ramp(position, 320, 0))
        recorder.write(1, position, ramp(position, 320, 1))
        if recorder.durable_frames != before:
            print(recorder.durable_frames, flush=True)
    sys.exit(3)
""")


@pytest.mark.slow
def test_sigkill_mid_write_leaves_a_repairable_file_with_all_flushed_audio(tmp_path: Path) -> None:
    path = tmp_path / "killed.wav"
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        durable = 0
        assert writer.stdout is not None
        while durable < 5 * RATE:  # let it write about five seconds of audio
            line = writer.stdout.readline()
            assert line, f"writer exited early with {writer.poll()}"
            durable = int(line)
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait()
    assert writer.returncode == -signal.SIGKILL

    # stray bytes of a half-written frame, as an interrupted write can leave them
    with path.open("ab") as stream:
        stream.write(b"\x01\x02\x03")
    report = repair_wav(path)
    assert report.repaired and report.dropped_bytes == 3
    assert report.frames >= durable and (report.sample_rate, report.channels) == (RATE, 2)
    frames, _ = read_wav(path)
    assert frames.shape == (report.frames, 2)
    # everything reported durable is intact on both channels
    assert np.array_equal(frames[:durable, 0], _ramp(0, durable, 0))
    assert np.array_equal(frames[:durable, 1], _ramp(0, durable, 1))
    # later frames reached the disk too; the right channel may miss only a write never made
    assert np.array_equal(frames[:, 0], _ramp(0, report.frames, 0))
    late = frames[durable:, 1]
    assert np.all((late == _ramp(durable, late.size, 1)) | (late == 0))
    assert not repair_wav(path).repaired  # idempotent: a sound file is left alone


def test_repair_recovers_frames_written_after_the_last_header_update(tmp_path: Path) -> None:
    path = tmp_path / "stale.wav"
    with WavRecorder(path, sample_rate=RATE, channels=1, flush_every_s=1.0) as recorder:
        recorder.write(0, 0, _ramp(0, 1000, 0))
    with path.open("ab") as stream:  # frames that reached the disk before the header did
        stream.write(_ramp(1000, 500, 0).tobytes())
    assert read_wav(path)[0].shape[0] == 1000
    report = repair_wav(path)
    assert report.repaired and report.frames == 1500 and report.dropped_bytes == 0
    assert np.array_equal(read_wav(path)[0][:, 0], _ramp(0, 1500, 0))


def test_repair_rejects_what_is_not_a_wav(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_bytes(b"ID3\x03\x00 definitely an mp3")
    with pytest.raises(CorruptWavError, match="not a WAV file"):
        repair_wav(path)
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVE")
    with pytest.raises(CorruptWavError, match="no 'fmt' chunk"):
        repair_wav(path)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda r: r.write(2, 0, np.zeros(10, np.int16)), "channel 2 out of range"),
        (lambda r: r.write(0, -5, np.zeros(10, np.int16)), "start_sample"),
        (lambda r: r.write(0, 0, np.array([np.nan], np.float32)), "NaN"),
    ],
)
def test_bad_writes_are_rejected(tmp_path: Path, call: object, fragment: str) -> None:
    with WavRecorder(tmp_path / "bad.wav") as recorder, pytest.raises(ValueError, match=fragment):
        call(recorder)  # type: ignore[operator]
