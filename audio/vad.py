"""Endpointing voice-activity detection on webrtcvad.

webrtcvad only classifies fixed 10/20/30 ms frames as voiced or not. This
module turns that into turn-taking events: a *start of speech* once enough
voiced audio has arrived (``onset_ms``, so clicks and breaths don't open a
turn) and an *end of speech* once the speaker has been quiet for
``silence_ms``. The first ``ignore_initial_ms`` of a stream are never speech:
opening a microphone produces pops and AGC swings that look voiced.

Times are sample positions counted from the first sample pushed, so they are
exact regardless of how the audio was chunked or how late it was processed.
Cost is a few microseconds per frame, cheap enough to run on the event loop.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
import webrtcvad

from audio.errors import UnsupportedSampleRateError
from audio.pcm import PcmLike, to_int16

VAD_RATES = (8000, 16000, 32000, 48000)
"""Rates webrtcvad accepts."""

# Share of the onset window that must be voiced to open a turn: tolerates one
# unvoiced frame inside a short word without letting isolated blips through.
_ONSET_VOICED_SHARE = 0.8


@dataclass(frozen=True)
class VadOptions:
    """Endpointing parameters; the defaults suit a headset in a quiet room."""

    sample_rate: int = 16000
    """Rate of the pushed PCM: 8000, 16000, 32000 or 48000."""
    aggressiveness: int = 2
    """webrtcvad mode 0 (keeps most audio as speech) to 3 (most eager to call it non-speech)."""
    frame_ms: int = 30
    """webrtcvad frame: 10, 20 or 30 ms. Longer frames are steadier and cheaper."""
    onset_ms: int = 150
    """Voiced audio (80 % of this window) required before a turn starts."""
    silence_ms: int = 500
    """Trailing silence that ends a turn. At 700 ms or less, 1 s thinking pauses split turns."""
    ignore_initial_ms: int = 500
    """Audio after the stream opens that is never treated as speech."""
    floor_dbfs: float = -55.0
    """Frames quieter than this (RMS, dB below full scale) are never speech: webrtcvad calls
    steady low noise voiced. -55 dBFS is far below speech into any working microphone."""
    release_db: float | None = 35.0
    """Inside a turn, frames this far below the turn's loudest frame count as silence even
    when webrtcvad still says voiced (its ~100 ms hangover). ``None`` trusts webrtcvad alone."""

    def __post_init__(self) -> None:
        if self.sample_rate not in VAD_RATES:
            raise UnsupportedSampleRateError(
                f"VadOptions.sample_rate {self.sample_rate} Hz: webrtcvad needs one of {VAD_RATES}"
            )
        if self.aggressiveness not in (0, 1, 2, 3):
            raise ValueError(f"VadOptions.aggressiveness must be 0-3, got {self.aggressiveness}")
        if self.frame_ms not in (10, 20, 30):
            raise ValueError(f"VadOptions.frame_ms must be 10, 20 or 30, got {self.frame_ms}")
        for name in ("onset_ms", "silence_ms"):
            if getattr(self, name) < self.frame_ms:
                raise ValueError(f"VadOptions.{name} must be at least frame_ms ({self.frame_ms})")
        if self.ignore_initial_ms < 0:
            raise ValueError("VadOptions.ignore_initial_ms must not be negative")
        if self.floor_dbfs >= 0:
            raise ValueError("VadOptions.floor_dbfs must be below 0 dBFS")
        if self.release_db is not None and self.release_db <= 0:
            raise ValueError("VadOptions.release_db must be positive (or None)")

    @property
    def frame_samples(self) -> int:
        return self.sample_rate * self.frame_ms // 1000


@dataclass(frozen=True)
class VadEvent:
    """A turn boundary. ``sample`` is where speech starts/ends; ``detected_at`` is when we knew."""

    kind: Literal["start_of_speech", "end_of_speech"]
    sample: int
    """First voiced sample (start) or one past the last voiced sample (end), from stream open."""
    detected_at: int
    """Stream position (samples) when the event was decided (``detected_at - sample``: delay)."""
    sample_rate: int
    turn_start: int
    """For an end event, the sample where this turn started (equal to ``sample`` for a start)."""

    @property
    def time_s(self) -> float:
        return self.sample / self.sample_rate

    @property
    def detected_at_s(self) -> float:
        return self.detected_at / self.sample_rate


class EndpointingVad:
    """Feed PCM of any length with :meth:`push`; get start/end-of-speech events back.

    Not thread-safe; use one instance per audio stream (or :meth:`reset` it).
    """

    def __init__(self, options: VadOptions | None = None) -> None:
        self.options = options or VadOptions()
        self._vad = webrtcvad.Vad(self.options.aggressiveness)
        self._frame = self.options.frame_samples
        self._onset_frames = max(1, math.ceil(self.options.onset_ms / self.options.frame_ms))
        self._onset_needed = max(1, math.ceil(self._onset_frames * _ONSET_VOICED_SHARE))
        self._silence_frames = math.ceil(self.options.silence_ms / self.options.frame_ms)
        self._ignore_samples = self.options.sample_rate * self.options.ignore_initial_ms // 1000
        self._floor_rms = 32768 * 10 ** (self.options.floor_dbfs / 20)
        release = self.options.release_db
        self._release_ratio = 0.0 if release is None else 10 ** (-release / 20)
        self.reset()

    def reset(self) -> None:
        """Forget all state: the next push is the start of a new stream."""
        self._pending = np.zeros(0, dtype=np.int16)
        self._position = 0
        self._window: deque[tuple[int, bool, float]] = deque(maxlen=self._onset_frames)
        self._speaking = False
        self._turn_start = 0
        self._last_voiced_end = 0
        self._silent_run = 0
        self._turn_peak_rms = 0.0

    @property
    def speaking(self) -> bool:
        """Whether a turn is open (a start was emitted and no end yet)."""
        return self._speaking

    @property
    def position(self) -> int:
        """Samples classified so far (whole frames; a partial frame waits for more audio)."""
        return self._position

    def is_voiced(self, frame: np.ndarray) -> bool:
        """Raw webrtcvad verdict for one frame of exactly ``frame_samples`` samples."""
        return self._vad.is_speech(frame.tobytes(), self.options.sample_rate)

    def push(self, pcm: PcmLike) -> list[VadEvent]:
        """Consume audio (16-bit PCM bytes, ``int16`` or float array) and return any events."""
        samples = to_int16(pcm, "VAD input")
        if self._pending.size:
            samples = np.concatenate([self._pending, samples])
        whole = samples.size - samples.size % self._frame
        events: list[VadEvent] = []
        for offset in range(0, whole, self._frame):
            event = self._step(samples[offset : offset + self._frame])
            if event is not None:
                events.append(event)
        self._pending = samples[whole:].copy()
        return events

    def flush(self) -> list[VadEvent]:
        """End of stream: close an open turn at its last voiced sample."""
        self._pending = np.zeros(0, dtype=np.int16)
        if not self._speaking:
            return []
        self._speaking = False
        return [self._event("end_of_speech", self._last_voiced_end)]

    def _event(self, kind: Literal["start_of_speech", "end_of_speech"], sample: int) -> VadEvent:
        return VadEvent(kind, sample, self._position, self.options.sample_rate, self._turn_start)

    def _step(self, frame: np.ndarray) -> VadEvent | None:
        start = self._position
        voiced = self.is_voiced(frame)
        self._position += self._frame
        if self._position <= self._ignore_samples:
            voiced = False  # still classified above, so webrtcvad's noise estimate adapts
        as_float = frame.astype(np.float32)
        rms = math.sqrt(float(np.dot(as_float, as_float)) / as_float.size)
        if rms < self._floor_rms:
            voiced = False
        if self._speaking:
            self._turn_peak_rms = max(self._turn_peak_rms, rms if voiced else 0.0)
            if voiced and rms < self._turn_peak_rms * self._release_ratio:
                voiced = False  # webrtcvad hangover: the speaker has stopped
            if voiced:
                self._silent_run = 0
                self._last_voiced_end = self._position
                return None
            self._silent_run += 1
            if self._silent_run < self._silence_frames:
                return None
            self._speaking = False
            self._window.clear()
            return self._event("end_of_speech", self._last_voiced_end)
        self._window.append((start, voiced, rms))
        # the same hangover guard at onset: a click plus webrtcvad's hangover is not speech
        loudest = max((r for _, v, r in self._window if v), default=0.0)
        floor = loudest * self._release_ratio
        onset = [s for s, v, r in self._window if v and r >= floor]
        if len(onset) < self._onset_needed:
            return None
        self._speaking = True
        self._silent_run = 0
        self._turn_peak_rms = loudest
        self._turn_start = onset[0]
        self._last_voiced_end = onset[-1] + self._frame
        self._window.clear()
        return self._event("start_of_speech", self._turn_start)
