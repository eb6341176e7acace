"""Peak envelopes of a recording for the replay waveform (one row per channel).

The browser could decode the WAV itself, but a ten-minute stereo recording is
tens of megabytes of samples; a few hundred peaks per channel are all the
waveform needs, and numpy computes them in milliseconds.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np


class RecordingError(ValueError):
    """The recording is not a PCM16 WAV file."""


def peaks(path: Path, points: int) -> dict[str, Any]:
    """``points`` peak values in 0..1 per channel, plus duration and channel count."""
    try:
        with wave.open(str(path), "rb") as reader:
            channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as error:
        raise RecordingError(f"{path.name}: not a readable WAV file ({error})") from None
    if width != 2:
        raise RecordingError(f"{path.name}: expected 16-bit PCM, got {8 * width}-bit samples")
    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)
    count = samples.shape[0]
    duration = count / rate if rate else 0.0
    if count == 0:
        return {"duration_s": 0.0, "channels": channels, "peaks": [[] for _ in range(channels)]}
    points = max(1, min(points, count))
    edges = np.linspace(0, count, points + 1).astype(np.int64)
    magnitude = np.abs(samples.astype(np.int32))
    rows = np.maximum.reduceat(magnitude, edges[:-1], axis=0) / 32768.0
    return {
        "duration_s": round(duration, 3),
        "channels": channels,
        "sample_rate": rate,
        "peaks": [np.round(rows[:, c], 3).tolist() for c in range(channels)],
    }
