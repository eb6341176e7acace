"""Band-limited resampling (libsoxr) between the rates this project meets.

16 kHz is what Whisper and the VAD want, 22.05 kHz is what the Piper voice
makes, 24/48 kHz is what browsers and WebRTC use. :func:`resample` converts a
whole buffer; :class:`StreamResampler` keeps the filter state between chunks,
so 10-20 ms frames can be converted one by one without clicks at the frame
boundaries (one-shot resampling of each frame would restart the filter and
smear every boundary).
"""

from __future__ import annotations

import numpy as np
import soxr

from audio.errors import UnsupportedFormatError, UnsupportedSampleRateError
from audio.pcm import PcmLike, float_to_int16, pcm16_from_bytes, to_float32

SUPPORTED_RATES: tuple[int, ...] = (8000, 16000, 22050, 24000, 32000, 44100, 48000)
"""Sample rates accepted by the resamplers, the WAV reader and the TTS output."""


def check_rate(rate: int, what: str = "sample rate") -> int:
    """Return ``rate`` if supported, else raise :class:`UnsupportedSampleRateError`."""
    if rate not in SUPPORTED_RATES:
        raise UnsupportedSampleRateError(
            f"{what} {rate} Hz is not supported; use one of {', '.join(map(str, SUPPORTED_RATES))}"
        )
    return rate


def _prepare(audio: PcmLike, what: str) -> np.ndarray:
    """int16 stays int16 (soxr converts natively); everything else becomes float32."""
    if isinstance(audio, bytes | bytearray | memoryview):
        return pcm16_from_bytes(audio, what)
    if isinstance(audio, np.ndarray) and audio.dtype == np.int16:
        if audio.ndim != 1:
            raise UnsupportedFormatError(f"{what}: expected mono audio, got shape {audio.shape}")
        return audio
    return to_float32(audio, what)


def resample(audio: PcmLike, from_rate: int, to_rate: int, quality: str = "HQ") -> np.ndarray:
    """Resample a whole mono buffer: ``int16``/bytes in, ``int16`` out; floats give ``float32``.

    ``quality`` is a soxr preset (``"VHQ"``, ``"HQ"``, ``"MQ"``, ``"LQ"``, ``"QQ"``).
    """
    check_rate(from_rate, "input rate")
    check_rate(to_rate, "output rate")
    samples = _prepare(audio, "resample input")
    if from_rate == to_rate or samples.size == 0:
        return samples.copy()
    return soxr.resample(samples, from_rate, to_rate, quality=quality)


class StreamResampler:
    """Stateful resampler for frame-by-frame use (one instance per audio stream).

    Output comes in bursts (the filter needs some look-ahead, so the first
    frames may return nothing); call :meth:`flush` at the end of the stream to
    drain the remainder. The output dtype is fixed at construction.
    """

    def __init__(
        self, from_rate: int, to_rate: int, dtype: str = "int16", quality: str = "HQ"
    ) -> None:
        check_rate(from_rate, "input rate")
        check_rate(to_rate, "output rate")
        if dtype not in ("int16", "float32"):
            raise UnsupportedFormatError(
                f"StreamResampler dtype must be int16 or float32, not {dtype}"
            )
        self.from_rate = from_rate
        self.to_rate = to_rate
        self.dtype = np.dtype(dtype)
        self._stream = (
            None
            if from_rate == to_rate
            else soxr.ResampleStream(from_rate, to_rate, 1, dtype, quality)
        )

    def _coerce(self, audio: PcmLike) -> np.ndarray:
        samples = _prepare(audio, "stream resampler input")
        if samples.dtype == self.dtype:
            return samples
        if self.dtype == np.int16:
            return float_to_int16(samples)
        return to_float32(samples)

    def process(self, audio: PcmLike) -> np.ndarray:
        """Resample the next chunk; may return fewer (or zero) samples while the filter fills."""
        samples = self._coerce(audio)
        if self._stream is None:
            return samples.copy()
        return self._stream.resample_chunk(samples)

    def flush(self) -> np.ndarray:
        """Drain the filter at the end of the stream; the resampler can then be reused."""
        if self._stream is None:
            return np.zeros(0, dtype=self.dtype)
        tail = self._stream.resample_chunk(np.zeros(0, dtype=self.dtype), last=True)
        self._stream.clear()
        return tail
