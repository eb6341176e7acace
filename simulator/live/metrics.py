"""Per-turn latency, stamped where each stage actually happens.

The clock starts when the rep stops speaking (the last voiced sample, an exact
position on the recording) and each stage is stamped by the component that
performs it: the STT when it emits the final transcript, the buyer-brain LLM
stream on its first token, livekit's turn handling when it commits the turn,
and the paced audio output when the first buyer frame leaves for the client.
Nothing is inferred from logs, so the figures in ``metrics.json`` and in
``bench latency`` are the ones the rep experienced.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from simulator.live.session_log import TurnMetrics


@dataclass
class Generation:
    """One buyer-brain reply attempt (livekit may start several per turn and keep one)."""

    id: int
    rep_text: str
    started_at: float
    """Call time the generation started."""
    first_token_at: float | None = None
    first_text_at: float | None = None
    """First text of any kind (an authored acknowledgement counts)."""
    acknowledgement: bool = False
    acknowledgement_text: str = ""
    rep_turn: int | None = None
    """Transcript index the brain was told for the rep turn (remapped if it moved)."""
    cancelled: bool = False
    done: bool = False
    text: str = ""
    events: list[dict] = field(default_factory=list)
    published: bool = False
    """Its audio started playing: its events belong to the call."""
    published_events: int = 0

    def publish(self, last_rep_turn: int | None) -> list[dict]:
        """Mark the reply as heard and return its events not returned before.

        Called when its audio starts and again when it stops: events the brain
        records while the reply is still being worded (a guardrail cut, the
        ``call_ended`` after a closing line) arrive after playback began. Events
        of the speculative rep turn are renumbered to ``last_rep_turn``, the
        index the turn got when it was committed.
        """
        self.published = True
        fresh = self.events[self.published_events :]
        self.published_events = len(self.events)
        if last_rep_turn is None:
            return list(fresh)
        return [{**e, "turn": last_rep_turn} if e.get("turn") == self.rep_turn else e for e in fresh]


@dataclass
class _RepUtterance:
    text: str
    start_s: float
    end_s: float
    final_at: float


class LatencyTracker:
    """Collects the stage stamps of each rep turn and emits :class:`TurnMetrics`."""

    def __init__(self, now_s: Callable[[], float], on_metrics: Callable[[TurnMetrics], None]) -> None:
        self._now_s = now_s
        self._on_metrics = on_metrics
        self._ids = itertools.count()
        self._generations: list[Generation] = []
        self._utterances: list[_RepUtterance] = []
        self._committed: tuple[int, float, _RepUtterance] | None = None
        self._playing: tuple[TurnMetrics, Generation | None] | None = None
        self._content_heard = False

    # --- rep side ------------------------------------------------------------
    def rep_speech_started(self, at_s: float) -> None:
        """Nothing to stamp: a turn's clock starts at the end of its speech."""

    def rep_final(self, text: str, start_s: float, end_s: float, dropped: bool) -> None:
        """The STT finalised an utterance (dropped: a backchannel over the buyer)."""
        if not dropped and text:
            self._utterances.append(_RepUtterance(text, start_s, end_s, self._now_s()))

    def pending_span(self) -> tuple[float, float] | None:
        """Start and end (call time) of the rep speech not yet committed as a turn."""
        if not self._utterances:
            return None
        return self._utterances[0].start_s, self._utterances[-1].end_s

    def turn_committed(self, rep_turn: int) -> None:
        """livekit committed the rep turn (the user message was added)."""
        if not self._utterances:
            return
        last = self._utterances[-1]
        self._committed = (rep_turn, self._now_s(), last)
        self._utterances = []

    # --- buyer brain ---------------------------------------------------------
    def generation_started(self, rep_text: str) -> Generation:
        generation = Generation(next(self._ids), rep_text, self._now_s())
        self._generations.append(generation)
        del self._generations[:-8]  # only the recent attempts can still be played
        return generation

    def first_text(self, generation: Generation, *, from_llm: bool) -> None:
        now = self._now_s()
        if generation.first_text_at is None:
            generation.first_text_at = now
        if from_llm and generation.first_token_at is None:
            generation.first_token_at = now

    def playing_generation(self) -> Generation | None:
        """The attempt whose audio is starting: the newest one not cancelled."""
        for generation in reversed(self._generations):
            if not generation.cancelled:
                return generation
        return None

    # --- buyer audio ---------------------------------------------------------
    def buyer_audio_started(self, generation: Generation | None) -> None:
        """First buyer frame of a reply left for the client: the voice-to-voice stamp."""
        self.reply_finished()
        if self._committed is None:
            return  # an opening line or silence prompt: no rep turn to answer
        rep_turn, committed_at, utterance = self._committed
        self._committed = None
        end = utterance.end_s
        metrics = TurnMetrics(
            rep_turn=rep_turn,
            speech_end_s=end,
            final_transcript_s=utterance.final_at - end,
            turn_committed_s=committed_at - end,
            first_audio_s=self._now_s() - end,
        )
        if generation is not None:
            metrics.preemptive = generation.started_at < committed_at
            metrics.acknowledgement = generation.acknowledgement
        self._playing = (metrics, generation)
        self._content_heard = False
        if generation is None or not generation.acknowledgement:
            metrics.first_content_audio_s = metrics.first_audio_s

    def buyer_words_played(self, text: str) -> None:
        """The words of the playing reply heard so far (synchronised with the audio).

        Stamps when the first word *after* an acknowledgement is heard: the
        latency of the reply's substance, reported next to ``first_audio_s``.
        """
        if self._playing is None or self._content_heard:
            return
        metrics, generation = self._playing
        ack_words = len(generation.acknowledgement_text.split()) if generation is not None else 0
        if len(text.split()) > ack_words:
            self._content_heard = True
            if metrics.first_content_audio_s is None:
                metrics.first_content_audio_s = self._now_s() - metrics.speech_end_s

    def reply_finished(self) -> None:
        """The reply stopped playing: its metrics are complete (the first LLM token may
        have come after an acknowledgement started playing)."""
        if self._playing is None:
            return
        metrics, generation = self._playing
        self._playing = None
        if generation is not None and generation.first_token_at is not None:
            metrics.first_token_s = generation.first_token_at - metrics.speech_end_s
        self._on_metrics(metrics)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of an empty sequence")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median_or_none(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None
