"""Speech to text on faster-whisper, tuned for short conversational turns.

:class:`WhisperStt` loads one CTranslate2 Whisper model and transcribes whole
clips. Decoding uses the fast short-turn settings (greedy, no timestamps, no
conditioning on earlier windows, temperature 0). Two decode paths exist:

* ``fast`` (default): the clip-sized encoder window from
  :mod:`audio.whisper_fast`, with a fallback to ``standard`` when the output
  looks degenerate or the clip is too long;
* ``standard``: ``WhisperModel.transcribe`` as shipped (30 s window).

The result is never a bare string: :class:`Transcript` says explicitly when
there was no speech (silent input, or the model's no-speech verdict) and how
long decoding took. Empty input raises :class:`EmptyAudioError`.

:meth:`WhisperStt.transcribe` blocks; :meth:`WhisperStt.atranscribe` runs the
whole decode, including faster-whisper's lazy segment generator, in a worker
thread so the event loop never decodes.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
from faster_whisper import WhisperModel

from audio.errors import AudioError, EmptyAudioError, ModelLoadError
from audio.pcm import STT_RATE, AudioStats, PcmLike, audio_stats, to_float32
from audio.resample import resample
from audio.whisper_fast import ShortWindowDecoder

logger = logging.getLogger(__name__)

Decoder = Literal["fast", "standard"]


class NoSpeechError(AudioError):
    """Raised by :meth:`Transcript.text_or_raise` when a clip held no speech."""


def _check_decoder(decoder: str, what: str) -> Decoder:
    if decoder not in ("fast", "standard"):
        raise ValueError(f"{what} must be 'fast' or 'standard', got {decoder!r}")
    return decoder  # type: ignore[return-value]


@dataclass(frozen=True)
class SttOptions:
    """How :class:`WhisperStt` loads and decodes; defaults are the fast short-turn settings."""

    language: str = "en"
    """Spoken language (also forced on multilingual models: no detection pass)."""
    beam_size: int = 1
    """1 = greedy. 5 is a little more accurate and ~2x slower."""
    compute_type: str = "int8"
    """CTranslate2 compute type; int8 is the fast choice on CPU."""
    cpu_threads: int = 2
    """Threads for one decode (0 = CTranslate2 default)."""
    decoder: Decoder = "fast"
    """``fast`` = clip-sized encoder window (falls back to ``standard`` on degenerate output)."""
    window_margin_s: float = 1.5
    """Silence added after the clip in the fast window; too little makes the decoder loop."""
    no_speech_threshold: float = 0.6
    """No-speech probability above which a low-confidence decode counts as no speech."""
    log_prob_threshold: float = -1.0
    """Average log-probability below which a likely-no-speech decode is dropped."""
    silence_peak: float = 0.002
    """Input whose peak stays below this (about -54 dBFS) is silent and is not decoded."""
    warm_up: bool = True
    """Decode one short clip at load, so the first real turn is not the slow one."""

    def __post_init__(self) -> None:
        _check_decoder(self.decoder, "SttOptions.decoder")
        if self.beam_size < 1:
            raise ValueError(f"SttOptions.beam_size must be >= 1, got {self.beam_size}")
        if self.window_margin_s < 0.5:
            raise ValueError(
                "SttOptions.window_margin_s below 0.5 s makes the decoder repeat itself"
            )


@dataclass(frozen=True)
class Transcript:
    """What was said in one clip, or an explicit statement that nothing was."""

    text: str
    """The words; empty exactly when ``no_speech`` is true."""
    no_speech: bool
    reason: str | None
    """Why there is no text (``silent input``, ``model no-speech verdict``, ...)."""
    duration_s: float
    decode_s: float
    decoder: Decoder | Literal["skipped"]
    """Decoder actually used (``skipped`` when silent input was never decoded)."""
    fell_back: bool
    """True when the fast path's output looked degenerate and was redone the standard way."""
    no_speech_prob: float
    avg_logprob: float
    stats: AudioStats

    def text_or_raise(self) -> str:
        """The text, or :class:`NoSpeechError` with the reason."""
        if self.no_speech:
            raise NoSpeechError(f"no speech in {self.duration_s:.2f} s of audio: {self.reason}")
        return self.text


@dataclass(frozen=True)
class _Decoded:
    text: str
    decoder: Decoder
    fell_back: bool
    no_speech_prob: float
    avg_logprob: float


def load_whisper(model_dir: Path, options: SttOptions) -> WhisperModel:
    """Load a CTranslate2 Whisper dir on CPU, with a specific error when it is not one."""
    model_dir = Path(model_dir)
    if not (model_dir / "model.bin").is_file():
        raise ModelLoadError(f"{model_dir}: not a CTranslate2 Whisper dir (no model.bin)")
    try:
        return WhisperModel(
            str(model_dir),
            device="cpu",
            compute_type=options.compute_type,
            cpu_threads=options.cpu_threads,
        )
    except (RuntimeError, ValueError, OSError) as error:
        raise ModelLoadError(f"{model_dir}: cannot load Whisper model: {error}") from error


class WhisperStt:
    """One loaded Whisper model; thread-safe (decodes are serialised by a lock)."""

    def __init__(self, model_dir: Path, options: SttOptions | None = None) -> None:
        self.options = options or SttOptions()
        self.model_dir = Path(model_dir)
        self._model = load_whisper(self.model_dir, self.options)
        self._fast = ShortWindowDecoder(
            self._model, self.options.language, self.options.beam_size, self.options.window_margin_s
        )
        self._lock = threading.Lock()
        if self.options.warm_up:
            self._warm_up()

    def _warm_up(self) -> None:
        tone = 0.1 * np.sin(2 * np.pi * 220 * np.arange(STT_RATE) / STT_RATE).astype(np.float32)
        with self._lock:
            self._fast.decode(tone, None)

    def transcribe(
        self,
        audio: PcmLike,
        sample_rate: int = STT_RATE,
        context: str | None = None,
        decoder: Decoder | None = None,
    ) -> Transcript:
        """Transcribe one clip (blocking).

        ``audio`` is mono PCM16 bytes, ``int16`` or float in [-1, 1], at any rate in
        :data:`audio.resample.SUPPORTED_RATES`. ``context`` is earlier text of the same
        turn, given to the decoder as a prompt. ``decoder`` overrides ``options.decoder``.
        """
        decoder = _check_decoder(decoder or self.options.decoder, "decoder")
        samples = to_float32(audio, "STT input")
        if samples.size == 0:
            raise EmptyAudioError("STT input: 0 samples; nothing to transcribe")
        if sample_rate != STT_RATE:
            samples = resample(samples, sample_rate, STT_RATE)
        stats = audio_stats(samples)
        duration = samples.size / STT_RATE
        if stats.clipped_fraction > 0.001:
            logger.warning(
                "STT input is clipped: %.2f %% of samples at full scale",
                100 * stats.clipped_fraction,
            )
        if stats.peak < self.options.silence_peak:
            return Transcript(
                "",
                True,
                f"silent input (peak {stats.peak:.5f})",
                duration,
                0.0,
                "skipped",
                False,
                1.0,
                0.0,
                stats,
            )
        started = time.perf_counter()
        with self._lock:
            decoded = self._decode(samples, context, decoder)
        decode_s = time.perf_counter() - started
        text, reason = decoded.text, None
        if (
            decoded.no_speech_prob > self.options.no_speech_threshold
            and decoded.avg_logprob < self.options.log_prob_threshold
        ):
            text, reason = "", f"model no-speech verdict (p={decoded.no_speech_prob:.2f})"
        elif not text:
            reason = "decoder produced no words"
        return Transcript(
            text,
            not text,
            reason,
            duration,
            decode_s,
            decoded.decoder,
            decoded.fell_back,
            decoded.no_speech_prob,
            decoded.avg_logprob,
            stats,
        )

    async def atranscribe(
        self,
        audio: PcmLike,
        sample_rate: int = STT_RATE,
        context: str | None = None,
        decoder: Decoder | None = None,
    ) -> Transcript:
        """:meth:`transcribe` in a worker thread (the event loop never decodes)."""
        return await asyncio.to_thread(self.transcribe, audio, sample_rate, context, decoder)

    def _decode(self, samples: np.ndarray, context: str | None, decoder: Decoder) -> _Decoded:
        if decoder == "fast" and samples.size / STT_RATE <= self._fast.max_clip_s():
            fast = self._fast.decode(samples, context)
            if not fast.looks_degenerate():
                return _Decoded(fast.text, "fast", False, fast.no_speech_prob, fast.avg_logprob)
            logger.info(
                "fast Whisper path looked degenerate (ratio %.2f, cap %s): redoing on 30 s",
                fast.compression_ratio,
                fast.hit_token_cap,
            )
            return replace(self._decode_standard(samples, context), fell_back=True)
        return self._decode_standard(samples, context)

    def _decode_standard(self, samples: np.ndarray, context: str | None) -> _Decoded:
        segments, _info = self._model.transcribe(
            samples,
            language=self.options.language,
            beam_size=self.options.beam_size,
            temperature=0.0,
            without_timestamps=True,
            condition_on_previous_text=False,
            initial_prompt=context or None,
            no_speech_threshold=self.options.no_speech_threshold,
            log_prob_threshold=self.options.log_prob_threshold,
            vad_filter=False,
        )
        decoded = list(segments)  # the generator does the decoding: consume it here, in this thread
        if not decoded:  # faster-whisper dropped every window as no speech
            return _Decoded("", "standard", False, 1.0, -10.0)
        return _Decoded(
            text=" ".join(s.text.strip() for s in decoded).strip(),
            decoder="standard",
            fell_back=False,
            no_speech_prob=max(s.no_speech_prob for s in decoded),
            avg_logprob=float(np.mean([s.avg_logprob for s in decoded])),
        )
