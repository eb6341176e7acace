"""Text to speech on Piper, streamed piece by piece at the consumer's rate.

:class:`PiperTts` loads one Piper voice, warms it up, and yields int16 PCM
chunks as each piece of text (see :mod:`audio.text_chunks`) is synthesised,
so playback can start after the first clause instead of the whole reply.

One voice can sound like several personas: :class:`VoiceOptions` carries
Piper's own knobs plus a pitch shift. The shift is done by resampling (the
audio is read as if recorded at ``rate * factor``), which also changes the
tempo by the same factor; Piper's ``length_scale`` is raised to compensate,
so ``length_scale`` alone decides the speaking rate. Duration is not
proportional to ``length_scale`` (short phonemes round up to one frame, so
about a quarter of the time is fixed), so the compensation uses a linear
duration model measured on the voice once, at warm-up.

Piper's default normalisation scales every sentence to full scale, which both
clips after resampling and makes loudness jump between sentences. It is off
here: a fixed gain (``volume``) is applied and a soft limiter keeps peaks
below full scale.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import time
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soxr
from piper import PiperVoice, SynthesisConfig

from audio.errors import EmptyTextError, ModelLoadError
from audio.pcm import float_to_int16
from audio.resample import check_rate
from audio.text_chunks import split_for_speech

logger = logging.getLogger(__name__)

_SPEAKABLE = re.compile(r"\w")
_CALIBRATION = "We already have a vendor for that, and the budget is tight this quarter."
_LIMIT_KNEE = 0.9  # the soft limiter is linear below this magnitude
_LIMIT_CEILING = 0.98  # ... and approaches this one, so full scale is never reached


@dataclass(frozen=True)
class VoiceOptions:
    """How a persona sounds. Defaults reproduce the voice as trained."""

    length_scale: float = 1.0
    """Speaking time factor: above 1 is slower, below 1 faster (0.5-2.0)."""
    noise_scale: float = 0.667
    """Generator noise: more is livelier and less stable (0-1.5)."""
    noise_w: float = 0.8
    """Phoneme-duration noise: more is less monotone (0-1.5)."""
    volume: float = 1.0
    """Linear gain on the voice's natural level (0-4); peaks are soft-limited, never clipped."""
    pitch_semitones: float = 0.0
    """Pitch shift (-12..12); the tempo stays as set by ``length_scale``."""

    def __post_init__(self) -> None:
        ranges = {
            "length_scale": (0.5, 2.0),
            "noise_scale": (0.0, 1.5),
            "noise_w": (0.0, 1.5),
            "volume": (0.0, 4.0),
            "pitch_semitones": (-12.0, 12.0),
        }
        for name, (low, high) in ranges.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"VoiceOptions.{name} must lie in [{low}, {high}], got {value}")

    @property
    def pitch_factor(self) -> float:
        return float(2.0 ** (self.pitch_semitones / 12.0))


@dataclass(frozen=True)
class TtsChunk:
    """One synthesised piece of speech."""

    pcm: np.ndarray
    """Mono int16 samples at ``sample_rate``."""
    sample_rate: int
    text: str
    """The text piece this audio speaks (several chunks may share one piece)."""
    index: int
    synth_s: float
    """Wall time spent producing this chunk."""

    @property
    def duration_s(self) -> float:
        return self.pcm.size / self.sample_rate

    def to_bytes(self) -> bytes:
        return self.pcm.astype("<i2", copy=False).tobytes()


def soft_limit(audio: np.ndarray) -> np.ndarray:
    """Leave samples below the knee alone; bend larger ones smoothly towards the ceiling."""
    magnitude = np.abs(audio)
    over = magnitude > _LIMIT_KNEE
    if not over.any():
        return audio
    headroom = _LIMIT_CEILING - _LIMIT_KNEE
    limited = _LIMIT_KNEE + headroom * np.tanh((magnitude[over] - _LIMIT_KNEE) / headroom)
    out = audio.copy()
    out[over] = np.sign(audio[over]) * limited
    return out


def load_piper(voice_path: Path) -> PiperVoice:
    """Load a Piper .onnx voice (its .onnx.json beside it), with a specific error if not."""
    voice_path = Path(voice_path)
    config = Path(f"{voice_path}.json")
    for needed in (voice_path, config):
        if not needed.is_file():
            raise ModelLoadError(f"Piper voice: {needed} does not exist")
    try:
        return PiperVoice.load(voice_path, config_path=config)
    except Exception as error:  # onnxruntime raises its own untyped errors
        raise ModelLoadError(f"{voice_path}: cannot load Piper voice: {error}") from error


class PiperTts:
    """A loaded Piper voice producing int16 PCM at ``sample_rate``; thread-safe."""

    def __init__(
        self,
        voice_path: Path,
        sample_rate: int = 16000,
        options: VoiceOptions | None = None,
        warm_up: bool = True,
    ) -> None:
        self.voice_path = Path(voice_path)
        self.sample_rate = check_rate(sample_rate, "TTS output rate")
        self.options = options or VoiceOptions()
        self._voice = load_piper(self.voice_path)
        self.native_rate = int(self._voice.config.sample_rate)
        self._lock = threading.Lock()
        self._fixed_share: float | None = None
        if warm_up:
            self._duration_model()  # also runs the first (slow) inference

    def _duration_model(self) -> float:
        """Share of speech time that does not scale with ``length_scale`` (measured once).

        Duration ~ fixed + variable * length_scale; measured at two length scales on a
        calibration sentence with the noise off, so it is deterministic.
        """
        if self._fixed_share is None:
            durations = []
            for length_scale in (0.5, 3.0):
                config = SynthesisConfig(
                    length_scale=length_scale,
                    noise_scale=0.0,
                    noise_w_scale=0.0,
                    normalize_audio=False,
                )
                with self._lock:
                    durations.append(
                        sum(
                            c.audio_float_array.size
                            for c in self._voice.synthesize(_CALIBRATION, config)
                        )
                    )
            slope = (durations[1] - durations[0]) / 2.5
            fixed = durations[0] - 0.5 * slope
            self._fixed_share = min(0.9, max(0.0, fixed / (fixed + slope)))
        return self._fixed_share

    def effective_length_scale(self, voice: VoiceOptions) -> float:
        """Piper length scale that gives ``voice.length_scale``'s tempo after the pitch shift."""
        factor = voice.pitch_factor
        if factor == 1.0:
            return voice.length_scale
        fixed = self._duration_model()
        variable = 1.0 - fixed
        # solve fixed + variable * ls_eff == factor * (fixed + variable * length_scale)
        return (factor * (fixed + variable * voice.length_scale) - fixed) / variable

    def synthesize(
        self, text: str, options: VoiceOptions | None = None, sample_rate: int | None = None
    ) -> Generator[TtsChunk, None, None]:
        """Speech chunk by chunk (each ``next`` blocks); the first ends at a clause boundary.

        ``options`` and ``sample_rate`` override the instance defaults for this call.
        Raises :class:`EmptyTextError` (at the call, not on iteration) when ``text``
        holds nothing speakable.
        """
        if not _SPEAKABLE.search(text or ""):
            raise EmptyTextError(f"TTS text has nothing to speak: {text!r}")
        voice = options or self.options
        rate = check_rate(sample_rate or self.sample_rate, "TTS output rate")
        config = SynthesisConfig(
            length_scale=self.effective_length_scale(voice),
            noise_scale=voice.noise_scale,
            noise_w_scale=voice.noise_w,
            normalize_audio=False,
            volume=1.0,
        )
        return self._chunks(text, voice, rate, config)

    def _chunks(
        self, text: str, voice: VoiceOptions, rate: int, config: SynthesisConfig
    ) -> Generator[TtsChunk, None, None]:
        index = 0
        for piece in split_for_speech(text):
            started = time.perf_counter()
            with self._lock:
                produced = [c.audio_float_array for c in self._voice.synthesize(piece, config)]
            for audio in produced:
                pcm = self._finish(audio, voice, rate)
                yield TtsChunk(pcm, rate, piece, index, time.perf_counter() - started)
                index += 1
                started = time.perf_counter()

    def synthesize_all(
        self, text: str, options: VoiceOptions | None = None, sample_rate: int | None = None
    ) -> np.ndarray:
        """The whole utterance as one int16 array."""
        chunks = [c.pcm for c in self.synthesize(text, options, sample_rate)]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    async def astream(
        self, text: str, options: VoiceOptions | None = None, sample_rate: int | None = None
    ) -> AsyncIterator[TtsChunk]:
        """:meth:`synthesize` with each chunk produced in a worker thread.

        Stopping iteration early (barge-in) lets the chunk in progress finish in
        its thread and synthesises nothing further.
        """
        chunks = self.synthesize(text, options, sample_rate)
        try:
            while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                yield chunk
        finally:
            # ValueError: cancelled while a worker thread runs it; that chunk finishes, no more
            with contextlib.suppress(ValueError):
                chunks.close()

    def _finish(self, audio: np.ndarray, voice: VoiceOptions, rate: int) -> np.ndarray:
        """Pitch shift + rate conversion in one resampling pass, then gain and limiting."""
        source_rate = self.native_rate * voice.pitch_factor
        if abs(source_rate - rate) > 1e-6:
            audio = soxr.resample(audio, source_rate, rate, quality="HQ")
        return float_to_int16(soft_limit(audio * np.float32(voice.volume)))
