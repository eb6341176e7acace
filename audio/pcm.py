"""Sample-format conversion and validation shared by every speech component.

Audio crosses this package in two shapes: 16-bit PCM (``bytes`` or an
``int16`` array: what browsers, WAV files and livekit frames carry) and
``float32`` in [-1, 1] (what Whisper and Piper work in). The converters here
are the single place that checks shape, dtype, NaNs and range, so a bad buffer
is rejected with a specific error at the boundary instead of turning into an
empty transcript three layers down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from audio.errors import (
    NonFiniteAudioError,
    OutOfRangeAudioError,
    UnsupportedFormatError,
)

PcmLike = bytes | bytearray | memoryview | np.ndarray
"""16-bit PCM bytes, or a 1-D ``int16``/float array."""

STT_RATE = 16000
"""Whisper's and the VAD's working rate."""
INT16_SCALE = 32768.0
# Float input up to this peak is treated as sound that overshot (resampler
# ringing, a hot mix) and is clipped; above it, it is a scaling bug upstream.
_MAX_TOLERATED_PEAK = 1.5
# A sample at or beyond this magnitude counts as clipped (int16 full scale).
_CLIP_LEVEL = 32767.0 / INT16_SCALE


@dataclass(frozen=True)
class AudioStats:
    """Level figures of a buffer, reported next to results so clipping is visible."""

    samples: int
    peak: float
    """Largest absolute sample, in [0, 1]."""
    rms: float
    clipped_fraction: float
    """Share of samples at full scale: above ~0.1 % the input was saturated."""


def _as_1d(array: np.ndarray, what: str) -> np.ndarray:
    if array.ndim == 2 and 1 in array.shape:
        return array.reshape(-1)
    if array.ndim != 1:
        raise UnsupportedFormatError(
            f"{what}: expected mono audio (a 1-D array), got shape {array.shape}; "
            "pick or mix down one channel first"
        )
    return array


def pcm16_from_bytes(data: bytes | bytearray | memoryview, what: str = "audio") -> np.ndarray:
    """Little-endian 16-bit PCM bytes as an ``int16`` array (a copy-free view)."""
    if len(data) % 2:
        raise UnsupportedFormatError(
            f"{what}: {len(data)} bytes is not a whole number of 16-bit samples"
        )
    return np.frombuffer(data, dtype="<i2")


def to_float32(audio: PcmLike, what: str = "audio") -> np.ndarray:
    """Mono ``float32`` in [-1, 1] from PCM16 bytes, ``int16`` or float arrays.

    Raises :class:`NonFiniteAudioError` for NaN/inf, :class:`OutOfRangeAudioError`
    for floats far outside [-1, 1] (typically int16 values stored as float) and
    :class:`UnsupportedFormatError` for other dtypes or multi-channel arrays.
    Slight overshoot (up to 1.5) is clipped: it is how hot audio looks after
    resampling, and :func:`audio_stats` reports it.
    """
    if isinstance(audio, bytes | bytearray | memoryview):
        audio = pcm16_from_bytes(audio, what)
    if not isinstance(audio, np.ndarray):
        raise UnsupportedFormatError(f"{what}: expected bytes or a numpy array, got {type(audio)}")
    audio = _as_1d(audio, what)
    if audio.dtype == np.int16:
        return audio.astype(np.float32) / INT16_SCALE
    if audio.dtype.kind != "f":
        raise UnsupportedFormatError(
            f"{what}: expected int16 PCM or float samples, got dtype {audio.dtype}"
        )
    if audio.size == 0:
        return audio.astype(np.float32)
    if not np.isfinite(audio).all():
        bad = int(np.count_nonzero(~np.isfinite(audio)))
        first = int(np.argmax(~np.isfinite(audio)))
        raise NonFiniteAudioError(
            f"{what}: {bad} of {audio.size} samples are NaN or infinite (first at index {first})"
        )
    peak = float(np.max(np.abs(audio)))
    if peak > _MAX_TOLERATED_PEAK:
        hint = " (looks like int16 values in a float array: divide by 32768)" if peak > 100 else ""
        raise OutOfRangeAudioError(
            f"{what}: float samples must lie in [-1, 1], peak is {peak:.4g}{hint}"
        )
    audio = audio.astype(np.float32, copy=False)
    return np.clip(audio, -1.0, 1.0) if peak > 1.0 else audio


def to_int16(audio: PcmLike, what: str = "audio") -> np.ndarray:
    """Mono ``int16`` PCM from any input :func:`to_float32` accepts."""
    if isinstance(audio, bytes | bytearray | memoryview):
        return pcm16_from_bytes(audio, what)
    if isinstance(audio, np.ndarray) and audio.dtype == np.int16:
        return _as_1d(audio, what)
    return float_to_int16(to_float32(audio, what))


def float_to_int16(audio: np.ndarray) -> np.ndarray:
    """Round float samples in [-1, 1] to ``int16``, saturating instead of wrapping."""
    scaled = np.rint(audio * INT16_SCALE)
    return np.clip(scaled, -INT16_SCALE, INT16_SCALE - 1).astype(np.int16)


def audio_stats(audio: np.ndarray) -> AudioStats:
    """Peak, RMS and clipped share of a ``float32`` buffer from :func:`to_float32`."""
    if audio.size == 0:
        return AudioStats(samples=0, peak=0.0, rms=0.0, clipped_fraction=0.0)
    magnitude = np.abs(audio)
    return AudioStats(
        samples=int(audio.size),
        peak=float(magnitude.max()),
        rms=float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))),
        clipped_fraction=float(np.count_nonzero(magnitude >= _CLIP_LEVEL) / audio.size),
    )
