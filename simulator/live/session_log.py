"""The JSON side of a session's files, persisted after every change.

A call leaves four files: ``recording.wav`` (written by the audio recorder),
``transcript.json`` (the evaluation transcript format, version 1),
``events.json`` (buyer-brain events plus the session timeline) and
``metrics.json`` (per-turn latency). The JSON files are rewritten atomically
(temp file, fsync, rename) whenever something is added, so a process killed at
any instant leaves the previous complete version on disk. Until the call ends
cleanly every file carries ``"complete": false``; a reader that finds that flag
knows the call was cut short.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from simulator.events import Transcript

TRANSCRIPT_FILE = "transcript.json"
EVENTS_FILE = "events.json"
METRICS_FILE = "metrics.json"
RECORDING_FILE = "recording.wav"

Speaker = Literal["rep", "buyer"]


def write_json_atomic(path: Path, data: Any) -> None:
    """Replace ``path`` with ``data`` so readers see either the old or the new file, never half."""
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


@dataclass
class Turn:
    """One utterance, times in seconds from the start of the call."""

    speaker: Speaker
    start: float
    end: float
    text: str
    interrupted: bool | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "speaker": self.speaker,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
        }
        if self.interrupted is not None:
            data["interrupted"] = self.interrupted
        return data


@dataclass
class TurnMetrics:
    """Latency of one buyer reply, measured from the end of the rep's speech."""

    rep_turn: int
    """Transcript index of the rep turn being answered."""
    speech_end_s: float
    """Call time when the rep stopped speaking (last voiced sample)."""
    final_transcript_s: float | None = None
    """End of rep speech -> final transcript of the turn."""
    turn_committed_s: float | None = None
    """End of rep speech -> the turn was declared over (endpointing)."""
    first_token_s: float | None = None
    """End of rep speech -> first LLM token of the reply that was played (negative if the
    reply was generated preemptively before the rep finished)."""
    first_audio_s: float | None = None
    """End of rep speech -> first buyer audio frame sent to the client (voice-to-voice)."""
    first_content_audio_s: float | None = None
    """End of rep speech -> the first word after the acknowledgement is played (equal to
    ``first_audio_s`` for a reply without one; approximate: words are timed by livekit's
    transcript synchroniser)."""
    preemptive: bool = False
    """The reply was generated on the likely-final transcript before the turn ended."""
    acknowledgement: bool = False
    """The reply opened with an authored acknowledgement ('Mm, okay.')."""
    extra: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in {**data, **extra}.items()}


class SessionLog:
    """Turns, events and metrics of one call, mirrored to disk on every change.

    Thread-safe: the recorder thread and the event loop may both add to it.
    """

    def __init__(self, directory: Path, *, session_id: str, persona: str | None) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.session_id = session_id
        self.persona = persona
        self._lock = threading.Lock()
        self._turns: list[Turn] = []
        self._brain_events: list[dict[str, Any]] = []
        self._timeline: list[dict[str, Any]] = []
        self._metrics: list[TurnMetrics] = []
        self._duration_s = 0.0
        self._complete = False
        self._end_reason: str | None = None
        self._closed = False
        self._write_all()

    # --- turns ---------------------------------------------------------------
    @property
    def turns(self) -> list[Turn]:
        with self._lock:
            return list(self._turns)

    def add_turn(self, turn: Turn) -> int:
        """Insert in start-time order; returns its index.

        Only trailing buyer turns can start after a rep turn that is committed
        late (events refer to rep turns only), so inserting never renumbers a
        turn an event points at.
        """
        with self._lock:
            index = len(self._turns)
            while index > 0 and self._turns[index - 1].start > turn.start:
                if self._turns[index - 1].speaker == "rep":
                    break
                index -= 1
            self._turns.insert(index, turn)
            self._duration_s = max(self._duration_s, turn.end)
            self._write_transcript()
            return index

    def last_rep_turn(self) -> int | None:
        with self._lock:
            for index in range(len(self._turns) - 1, -1, -1):
                if self._turns[index].speaker == "rep":
                    return index
            return None

    # --- events --------------------------------------------------------------
    def add_brain_event(self, event: dict[str, Any], at_s: float) -> None:
        """A buyer-brain event in the contract format; ``t`` (call time) is added."""
        with self._lock:
            self._brain_events.append({**event, "t": round(at_s, 3)})
            self._write_transcript()
            self._write_events()

    def add_session_event(self, kind: str, at_s: float, **fields: Any) -> None:
        """A timeline entry (barge-in, false interruption, silence prompt, playout...)."""
        with self._lock:
            self._timeline.append({"type": kind, "t": round(at_s, 3), **fields})
            self._write_events()

    # --- metrics -------------------------------------------------------------
    def add_metrics(self, metrics: TurnMetrics) -> None:
        with self._lock:
            self._metrics.append(metrics)
            self._write_metrics()

    @property
    def metrics(self) -> list[TurnMetrics]:
        with self._lock:
            return list(self._metrics)

    # --- lifecycle -----------------------------------------------------------
    def close(self, *, duration_s: float, complete: bool, end_reason: str | None = None) -> None:
        """Final write; ``complete`` says the files were finished (the process did not die)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._duration_s = max(self._duration_s, duration_s)
            self._complete = complete
            self._end_reason = end_reason
            self._write_all()

    def transcript(self) -> dict[str, Any]:
        """The transcript document as written to disk."""
        with self._lock:
            return self._transcript_doc()

    def _write_all(self) -> None:
        self._write_transcript()
        self._write_events()
        self._write_metrics()

    def _transcript_doc(self) -> dict[str, Any]:
        events = [{k: v for k, v in e.items() if k != "t"} for e in self._brain_events]
        document = Transcript.model_validate(
            {
                "persona": self.persona,
                "duration_s": round(self._duration_s, 3),
                "turns": [t.to_json() for t in self._turns],
                "events": events,
            }
        ).to_json()
        document["complete"] = self._complete
        document["end_reason"] = self._end_reason
        document["session_id"] = self.session_id
        return document

    def _write_transcript(self) -> None:
        write_json_atomic(self.directory / TRANSCRIPT_FILE, self._transcript_doc())

    def _write_events(self) -> None:
        write_json_atomic(
            self.directory / EVENTS_FILE,
            {
                "version": 1,
                "session_id": self.session_id,
                "complete": self._complete,
                "events": self._brain_events,
                "timeline": self._timeline,
            },
        )

    def _write_metrics(self) -> None:
        write_json_atomic(
            self.directory / METRICS_FILE,
            {
                "version": 1,
                "session_id": self.session_id,
                "complete": self._complete,
                "turns": [m.to_json() for m in self._metrics],
            },
        )
