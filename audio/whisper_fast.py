"""Short-window Whisper decoding: encode only the clip (plus a margin), not 30 s.

``WhisperModel.transcribe`` always pads the log-mel features to 3000 frames
(30 s), so a 2 s turn costs as much encoder work as a 30 s one. CTranslate2's
Whisper encoder accepts a shorter window; padding the features to the clip
length plus ~1.5 s and calling ``encode`` + ``generate`` on the model directly
is several times faster on short turns with the same accuracy.

The risk is that with a short window the decoder does not notice it is done
and reads the clip again. Guards: the window is the clip plus a margin but
never under 6 s, a mild repetition penalty discourages re-reading, the token
budget is capped by the clip duration, and :meth:`FastDecode.looks_degenerate`
flags repeated or runaway output so the caller can fall back to the standard
30 s path.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import get_ctranslate2_storage, get_suppressed_tokens

WINDOW_FRAMES = 3000
"""The standard Whisper window, in mel frames (100 per second)."""
_MAX_TEXT_TOKENS = 448  # Whisper's decoder context
# Above this gzip compression ratio the text is a loop ("the the the ..."),
# the same threshold faster-whisper uses for its temperature fallback.
COMPRESSION_RATIO_LIMIT = 2.4
# Two guards against re-reading, chosen on 17 short (1-4 s) and 5 multi-sentence
# (6-10 s) Piper clips; WER short / long:
#   standard 30 s decoder:                   tiny 2.4 % / 0.7 %   base 3.0 % / 0.7 %
#   window = clip + 1.5 s, no penalty:       tiny 178 % / 0.7 %   base 245 % / 0 %  (loops)
#   window >= 10 s, no penalty:              tiny 4.2 % / 0.7 %   base 3.6 % / 0 %
#   window >= 6 s, repetition penalty 1.05:  tiny 3.6 % / 0.7 %   base 3.0 % / 0 %  (used)
# A stronger penalty (1.1) also drops genuinely repeated words ("your", "the") on
# longer clips: base went from 0 % to 4.2 % on the multi-sentence clips.
MIN_WINDOW_FRAMES = 600
REPETITION_PENALTY = 1.05
# Token budget: generous for fast speech (English runs ~4-5 tokens/s).
_TOKENS_PER_SECOND = 12
_TOKENS_BASE = 12


@dataclass(frozen=True)
class FastDecode:
    """Raw outcome of one short-window decode."""

    text: str
    no_speech_prob: float
    avg_logprob: float
    compression_ratio: float
    hit_token_cap: bool
    window_frames: int

    def looks_degenerate(self) -> bool:
        """True when the output loops or ran into the token cap: redo it the standard way."""
        return (
            self.hit_token_cap
            or self.compression_ratio > COMPRESSION_RATIO_LIMIT
            or has_repeated_phrase(self.text)
        )


def has_repeated_phrase(text: str, words: int = 4) -> bool:
    """True when some run of ``words`` words occurs twice: the decoder started over.

    The failure of a short window is re-reading the clip ("How many people are
    involved? How many people are involved?"), which a compression-ratio test
    misses on short texts. Genuine speech rarely repeats four words verbatim,
    and when it does the only cost is a standard-path decode.
    """
    tokens = [w.strip(".,!?;:-\"'").lower() for w in text.split()]
    seen: set[tuple[str, ...]] = set()
    for start in range(len(tokens) - words + 1):
        gram = tuple(tokens[start : start + words])
        if gram in seen:
            return True
        seen.add(gram)
    return False


def compression_ratio(text: str) -> float:
    """Bytes over gzip-compressed bytes: about 1-2 for speech, higher for loops."""
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0


class ShortWindowDecoder:
    """Greedy/beam decoding of one clip with a clip-sized encoder window."""

    def __init__(self, model: WhisperModel, language: str, beam_size: int, margin_s: float) -> None:
        self._model = model
        self._beam_size = beam_size
        self._margin_frames = max(50, round(margin_s * 100))
        self._tokenizer = Tokenizer(
            model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language
        )
        self._suppress = list(get_suppressed_tokens(self._tokenizer, [-1]))

    def max_clip_s(self) -> float:
        """Longest clip this path handles; longer ones need the standard chunked path."""
        return (WINDOW_FRAMES - self._margin_frames) / 100

    def _prompt(self, context: str | None) -> list[int]:
        tokenizer = self._tokenizer
        prompt: list[int] = []
        if context and context.strip():
            context_tokens = tokenizer.encode(" " + context.strip())
            prompt = [tokenizer.sot_prev, *context_tokens[-(_MAX_TEXT_TOKENS // 2 - 1) :]]
        return [*prompt, *tokenizer.sot_sequence, tokenizer.no_timestamps]

    def decode(self, audio: np.ndarray, context: str | None = None) -> FastDecode:
        """Decode a 16 kHz float32 clip no longer than :meth:`max_clip_s`."""
        features = self._model.feature_extractor(audio)[..., :-1]
        content = features.shape[-1]
        window = min(WINDOW_FRAMES, max(content + self._margin_frames, MIN_WINDOW_FRAMES))
        window += window % 2  # the encoder's strided convolution halves the frame count
        features = np.pad(features, ((0, 0), (0, window - content)))
        encoded = self._model.model.encode(get_ctranslate2_storage(features[None]), to_cpu=False)
        prompt = self._prompt(context)
        duration_s = audio.size / 16000
        budget = min(
            _TOKENS_BASE + int(_TOKENS_PER_SECOND * duration_s), _MAX_TEXT_TOKENS - len(prompt)
        )
        result = self._model.model.generate(
            encoded,
            [prompt],
            beam_size=self._beam_size,
            max_length=len(prompt) + budget,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
            repetition_penalty=REPETITION_PENALTY,
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        text = self._tokenizer.decode(tokens).strip()
        # ctranslate2 returns the length-normalised log-prob; undo it like faster-whisper does
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1) if tokens else -10.0
        return FastDecode(
            text=text,
            no_speech_prob=float(result.no_speech_prob),
            avg_logprob=float(avg_logprob),
            compression_ratio=compression_ratio(text),
            hit_token_cap=len(tokens) >= budget,
            window_frames=window,
        )
