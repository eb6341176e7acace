"""Deciding *what* to decode while a speaker is still talking (no threads, no I/O).

Re-decoding a whole turn at its end costs a full decode after the speaker
stops. Instead, a turn is cut at short pauses (a breath, a comma) into
segments that are decoded and *committed* while the speaker goes on; between
commits, the uncommitted tail is re-decoded now and then for an *interim*
hypothesis. When the turn ends, only the audio after the last commit is left
to decode, and often it is silence that needs no decode at all.

:class:`TurnAssembler` holds one turn and answers "what is the next decode
job?"; the drivers in :mod:`audio.streaming_stt` run those jobs on a
:class:`~audio.stt.WhisperStt` (inline or in a worker thread) and hand the
results back. Keeping the policy here, free of threads, makes it testable and
lets one policy serve both the asyncio and the blocking driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from audio.stt import STT_RATE, Transcript
from audio.vad import EndpointingVad, VadOptions


@dataclass(frozen=True)
class StreamingOptions:
    """When to commit segments and how often to refresh interim text."""

    pause_ms: int = 240
    """A pause this long inside a turn is a place to cut a segment."""
    min_segment_s: float = 1.0
    """Segments shorter than this wait for the next pause (short clips decode worse)."""
    max_segment_s: float = 12.0
    """Without a pause, commit anyway once this much audio is uncommitted."""
    interim_every_s: float = 0.8
    """New audio needed before the tail is re-decoded for a fresh interim hypothesis."""
    vad_aggressiveness: int = 2
    """webrtcvad mode used to find pauses."""

    def __post_init__(self) -> None:
        if not 0 < self.min_segment_s < self.max_segment_s <= 28:
            raise ValueError("StreamingOptions: need 0 < min_segment_s < max_segment_s <= 28")
        if self.interim_every_s <= 0:
            raise ValueError("StreamingOptions.interim_every_s must be positive")


@dataclass(frozen=True)
class SttEvent:
    """A transcript update for one turn: ``interim`` while talking, one ``final`` at the end."""

    kind: Literal["interim", "final"]
    text: str
    """Everything heard in this turn so far: ``stable_text`` plus the current hypothesis."""
    stable_text: str
    """The committed prefix of ``text``; it will not change any more."""
    turn: int
    audio_s: float
    """Turn audio covered by ``text``."""
    decode_s: float
    """Cost of the decode that produced this event."""
    no_speech: bool = False
    """Only on a final: the whole turn held no speech (``text`` is then empty)."""


@dataclass(frozen=True)
class DecodeJob:
    """One decode to run: samples ``[start, end)`` of the turn."""

    kind: Literal["commit", "interim", "final"]
    audio: np.ndarray
    start: int
    end: int
    context: str


# Audio kept before speech when silence is dropped, so the first word's onset survives.
_PRE_ROLL = STT_RATE * 3 // 10
# Less uncommitted audio than this is not worth an interim decode.
_MIN_INTERIM = STT_RATE // 2


class TurnAssembler:
    """One turn's audio (16 kHz int16), its pause points and its committed text."""

    def __init__(self, turn: int, options: StreamingOptions) -> None:
        self.turn = turn
        self.options = options
        self._vad = EndpointingVad(
            VadOptions(
                sample_rate=STT_RATE,
                aggressiveness=options.vad_aggressiveness,
                frame_ms=30,
                onset_ms=60,
                silence_ms=max(30, options.pause_ms),
                ignore_initial_ms=0,
            )
        )
        self._chunks: list[np.ndarray] = []
        self._length = 0
        self._audio = np.zeros(0, dtype=np.int16)
        self._cuts: list[int] = []
        self._last_speech_end = 0
        self._committed_until = 0
        self._committed: list[str] = []
        self._interim_from = 0
        self._hypothesis = ""
        self._closed = False

    @property
    def length(self) -> int:
        return self._length

    @property
    def stable_text(self) -> str:
        return " ".join(self._committed)

    def push(self, pcm: np.ndarray) -> None:
        """Append 16 kHz int16 samples and look for pauses in them."""
        if self._closed:
            raise RuntimeError("push() after the turn was finalised")
        self._chunks.append(pcm)
        self._length += pcm.size
        for event in self._vad.push(pcm):
            if event.kind == "end_of_speech":
                self._last_speech_end = event.sample
                # cut in the middle of the pause: the segment keeps the word's release
                cut = event.sample + STT_RATE * self.options.pause_ms // 2000
                self._cuts.append(min(cut, self._length))
        self._drop_leading_silence()

    def _has_speech_after(self, sample: int) -> bool:
        return self._vad.speaking or self._last_speech_end > sample

    def _drop_leading_silence(self) -> None:
        """Skip silence before any speech so it is never decoded."""
        if not self._has_speech_after(self._committed_until):
            self._committed_until = max(self._committed_until, self._length - _PRE_ROLL)
            self._interim_from = self._committed_until

    def _slice(self, start: int, end: int) -> np.ndarray:
        if self._audio.size < self._length:
            self._audio = np.concatenate([self._audio, *self._chunks])
            self._chunks = []
        return self._audio[start:end]

    def _job(self, kind: Literal["commit", "interim", "final"], end: int) -> DecodeJob:
        start = self._committed_until
        return DecodeJob(kind, self._slice(start, end), start, end, self.stable_text)

    def next_job(self) -> DecodeJob | None:
        """The decode to run now, or None: a commit at a pause first, else an interim refresh."""
        start = self._committed_until
        ripe = [c for c in self._cuts if c - start >= self.options.min_segment_s * STT_RATE]
        if ripe:
            return self._job("commit", ripe[-1])
        if self._length - start >= self.options.max_segment_s * STT_RATE:
            return self._job("commit", self._length)
        fresh = self._length - self._interim_from
        if (
            self._has_speech_after(start)
            and self._length - start >= _MIN_INTERIM
            and fresh >= self.options.interim_every_s * STT_RATE
        ):
            return self._job("interim", self._length)
        return None

    def final_job(self) -> DecodeJob | None:
        """Close the turn: the tail after the last commit, or None if it holds no speech."""
        self._closed = True
        for event in self._vad.flush():
            self._last_speech_end = event.sample
        if self._length <= self._committed_until or not self._has_speech_after(
            self._committed_until
        ):
            return None
        return self._job("final", self._length)

    def apply(self, job: DecodeJob, result: Transcript) -> SttEvent:
        """Record a finished decode and return the event it produces."""
        if job.kind == "interim":
            self._interim_from = job.end
            self._hypothesis = "" if result.no_speech else result.text
            text = " ".join(filter(None, [self.stable_text, self._hypothesis]))
            return SttEvent(
                "interim", text, self.stable_text, self.turn, job.end / STT_RATE, result.decode_s
            )
        if not result.no_speech:
            self._committed.append(result.text)
        self._committed_until = self._interim_from = job.end
        self._cuts = [c for c in self._cuts if c > job.end]
        self._hypothesis = ""
        if job.kind == "final":
            return self.final_event(result.decode_s)
        return SttEvent(
            "interim",
            self.stable_text,
            self.stable_text,
            self.turn,
            job.end / STT_RATE,
            result.decode_s,
        )

    def final_event(self, decode_s: float = 0.0) -> SttEvent:
        """The turn's final event from what is committed (after :meth:`final_job`)."""
        text = self.stable_text
        return SttEvent(
            "final", text, text, self.turn, self._length / STT_RATE, decode_s, no_speech=not text
        )
