"""Turn-taking policy: endpointing, barge-in and backchannels, in one options object.

The numbers that make a call feel like a phone call rather than a walkie-talkie
live here, so they can be tuned (and documented) in one place:

* the transcript is finalised after a short pause (``stt_endpoint_ms``) so the
  buyer brain can start on the likely-final words while livekit's VAD waits a
  little longer (``vad_silence_ms``) before declaring the turn over: the
  reply is usually ready by then, so waiting costs no latency;
* barge-in pauses the buyer once the rep has spoken for
  ``interruption_min_s`` (a cough is shorter), and the pause becomes a real
  interruption only when a transcript arrives that is more than a backchannel;
* a backchannel ("mm-hm", "right", "okay") or a noise while the buyer speaks is
  dropped, and the paused buyer resumes after ``false_interruption_s``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from audio.vad import VadOptions

BACKCHANNELS = frozenset(
    {
        "mm", "mmm", "hm", "hmm", "mhm", "mm-hm", "mm-hmm", "mmhmm", "uh-huh", "uh", "um",
        "ah", "oh", "yeah", "yep", "yes", "ok", "okay", "right", "sure", "i see", "got it",
        "gotcha", "uh huh", "mm hmm", "mhmm", "alright", "all right", "cool", "nice", "wow",
    }
)
"""Utterances that acknowledge without taking the floor."""

INTERRUPTION_CUES = frozenset(
    {"wait", "stop", "hold", "hang", "sorry", "no", "nope", "but", "actually", "excuse", "sec",
     "second", "question", "what", "why", "how", "who", "when"}
)
"""Short words that do claim the floor ("Wait.", "Sorry,", "No.")."""

_WORDS = re.compile(r"[a-z]+(?:[-'][a-z]+)*")
_MAX_BACKCHANNEL_WORDS = 3
_SHORT_UTTERANCE_S = 0.7
"""A rep sound this short over the buyer is an acknowledgement or noise unless it holds
a cue; tiny.en often mishears a short "mm-hm" as a random word ("pressure", "N m")."""


def is_backchannel(text: str, duration_s: float | None = None) -> bool:
    """True for noise, short acknowledgements ('Mm-hm, right.') and brief mumbles.

    ``duration_s`` (the utterance's voiced length, when known) lets a very short
    sound count as a backchannel even when the recogniser turned it into some
    word, unless that word is an interruption cue such as "wait" or "sorry".
    """
    words = _WORDS.findall(text.lower())
    if not words:
        return True
    if len(words) > _MAX_BACKCHANNEL_WORDS:
        return False
    if " ".join(words) in BACKCHANNELS or all(word in BACKCHANNELS for word in words):
        return True
    short = duration_s is not None and duration_s < _SHORT_UTTERANCE_S and len(words) <= 2
    return short and not any(word in INTERRUPTION_CUES for word in words)


@dataclass(frozen=True)
class TurnTakingOptions:
    """Endpointing and interruption settings for one live session."""

    vad_silence_ms: int = 400
    """Trailing silence after which livekit's VAD ends the rep's speech."""
    vad_onset_ms: int = 100
    """Voiced audio needed before the rep counts as speaking."""
    vad_aggressiveness: int = 2
    stt_endpoint_ms: int = 240
    """Shorter pause after which the transcript is finalised (and the reply preempted)."""
    min_endpointing_delay_s: float = 0.0
    """Extra wait after the VAD end before the turn is committed."""
    max_endpointing_delay_s: float = 1.0
    """Upper bound on that wait (no multi-second waits)."""
    interruption_min_s: float = 0.2
    """Rep speech needed to pause the buyer (barge-in); shorter sounds are ignored."""
    transcript_hold_s: float = 2.5
    """Longest the end of the turn waits for a final transcript still being decoded
    (a safety net: normally the final is there within a few hundred ms)."""
    false_interruption_s: float = 0.5
    """Silence after a pause with no real words before the buyer resumes."""
    preemptive_max_retries: int = 5
    """Preemptive generations allowed per rep turn (each new final transcript restarts it)."""

    def __post_init__(self) -> None:
        if self.stt_endpoint_ms > self.vad_silence_ms:
            raise ValueError(
                "TurnTakingOptions.stt_endpoint_ms must not exceed vad_silence_ms: the transcript "
                "has to be final before the turn can be committed"
            )
        if not 0 <= self.min_endpointing_delay_s <= self.max_endpointing_delay_s <= 3.0:
            raise ValueError("TurnTakingOptions: need 0 <= min_endpointing_delay_s <= max <= 3 s")
        if not 0.05 <= self.interruption_min_s <= 2.0:
            raise ValueError("TurnTakingOptions.interruption_min_s must lie in [0.05, 2.0]")

    def vad_options(self) -> VadOptions:
        """The livekit VAD's endpointing (20 ms frames, 16 kHz)."""
        return VadOptions(
            sample_rate=16000,
            aggressiveness=self.vad_aggressiveness,
            frame_ms=20,
            onset_ms=self.vad_onset_ms,
            silence_ms=self.vad_silence_ms,
            ignore_initial_ms=300,
        )

    def stt_endpoint_options(self) -> VadOptions:
        """The STT's own, shorter endpointing (finalises the transcript early)."""
        return VadOptions(
            sample_rate=16000,
            aggressiveness=self.vad_aggressiveness,
            frame_ms=20,
            onset_ms=self.vad_onset_ms,
            silence_ms=self.stt_endpoint_ms,
            ignore_initial_ms=300,
        )

    def livekit_turn_handling(self) -> dict[str, Any]:
        """``AgentSession(turn_handling=...)``: VAD turn detection, VAD interruption (local only)."""
        return {
            "turn_detection": "vad",
            "endpointing": {
                "mode": "fixed",
                "min_delay": self.min_endpointing_delay_s,
                "max_delay": self.max_endpointing_delay_s,
            },
            "interruption": {
                "enabled": True,
                "mode": "vad",
                "min_duration": self.interruption_min_s,
                "min_words": 0,
                "resume_false_interruption": True,
                "false_interruption_timeout": self.false_interruption_s,
                "backchannel_boundary": None,
            },
            "preemptive_generation": {
                "enabled": True,
                "preemptive_tts": True,
                "max_speech_duration": 30.0,
                "max_retries": self.preemptive_max_retries,
            },
        }


class TranscriptionGate:
    """Holds livekit's end-of-speech until the STT has finalised what was said.

    livekit commits the rep's turn when its VAD reports the end of speech and a
    transcript exists. If the last words are still being decoded, that commit
    would carry a partial transcript ("Hi" instead of "Hi, this is Sam...").
    The STT counts utterances it has opened and finalised; the VAD plugin holds
    its end-of-speech event while any is open (at most ``max_hold_s``), so the
    turn ends at whichever comes last, with no fixed extra wait.
    """

    def __init__(self, max_hold_s: float = 1.5) -> None:
        self.max_hold_s = max_hold_s
        self._opened = 0
        self._finalised = 0

    def utterance_opened(self) -> None:
        self._opened += 1

    def utterance_finalised(self) -> None:
        self._finalised = min(self._finalised + 1, self._opened)

    @property
    def pending(self) -> bool:
        """Speech was heard that has no final transcript yet."""
        return self._finalised < self._opened


def likely_final(transcript: str) -> bool:
    """A transcript that hands the floor over: it ends with a question.

    Only such a transcript starts the buyer brain before the turn is committed;
    anything else waits for the commit (a few tens of ms later). On a CPU-bound
    LLM a speculative request cannot be stopped during its prompt evaluation, so
    speculating on "Thanks for taking my call." while the rep goes on to ask a
    question would delay the real reply by seconds.
    """
    return transcript.rstrip().endswith("?")


class CommitWatch:
    """Counts committed rep turns so a speculative reply can wait for the next commit."""

    def __init__(self) -> None:
        self._count = 0
        self._event = asyncio.Event()

    def committed(self) -> None:
        self._count += 1
        self._event.set()
        self._event = asyncio.Event()

    def next_commit(self) -> Callable[[], Awaitable[None]]:
        """An awaitable factory that returns once a turn after *now* is committed."""
        target = self._count

        async def wait() -> None:
            while self._count <= target:
                await self._event.wait()

        return wait
