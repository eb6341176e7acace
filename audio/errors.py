"""Errors raised by the speech components.

Every error says what was wrong and where (which file, which parameter, what
was expected), so a bad upload or a wiring bug is diagnosable from the message
alone. All of them derive from :class:`AudioError`; the input-validation ones
also derive from :class:`ValueError` so generic callers can catch either.
"""

from __future__ import annotations


class AudioError(Exception):
    """Base class of every error raised by ``audio``."""


class InvalidAudioError(AudioError, ValueError):
    """Audio data that cannot be used as given (base of the specific cases below)."""


class UnsupportedFormatError(InvalidAudioError):
    """Not 16-bit PCM, wrong channel count, wrong dtype or not a WAV file at all."""


class UnsupportedSampleRateError(InvalidAudioError):
    """A sample rate outside the set this component supports."""


class EmptyAudioError(InvalidAudioError):
    """Zero samples where audio was required."""


class NonFiniteAudioError(InvalidAudioError):
    """NaN or infinity in floating-point audio."""


class OutOfRangeAudioError(InvalidAudioError):
    """Floating-point samples outside [-1, 1]: a scaling bug upstream, not sound."""


class CorruptWavError(AudioError):
    """A WAV file whose header or chunk layout cannot be read or repaired."""


class ModelLoadError(AudioError):
    """A speech model that could not be loaded from the given path."""


class EmptyTextError(AudioError, ValueError):
    """Text to synthesise that holds nothing speakable."""
