"""The call recording as the rep heard it, written off the event loop.

Rep audio goes on the left channel, end to end from its first frame, buyer audio on
the right at the position it was *played* (the paced output reports each
played stretch, so a barge-in truncates it and a resumed reply continues after
the gap). ``audio.WavRecorder`` keeps the file a valid WAV at every flush; the
writes themselves (and their fsyncs) run in one background thread so a slow
disk never stalls the call.

:func:`recover_session` is what a reader runs on a session directory left by a
crash: it repairs the WAV header and reports whether the JSON files say the
call completed.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audio import BUYER_CHANNEL, REP_CHANNEL, WavRecorder, repair_wav
from simulator.live.session_log import METRICS_FILE, RECORDING_FILE, TRANSCRIPT_FILE

logger = logging.getLogger("simulator.live.recording")

_STOP = object()


class CallRecording:
    """Stereo 16 kHz recording of one call; ``write_*`` may be called from the event loop."""

    def __init__(self, directory: Path, sample_rate: int = 16000, flush_every_s: float = 0.5) -> None:
        self.path = Path(directory) / RECORDING_FILE
        self.sample_rate = sample_rate
        self._recorder = WavRecorder(self.path, sample_rate=sample_rate, channels=2,
                                     flush_every_s=flush_every_s)
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._rep_next: int | None = None
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="call-recording", daemon=True)
        self._thread.start()

    def write_rep(self, pcm: np.ndarray, arrived_s: float) -> float:
        """Place one rep frame; returns its call time.

        The microphone stream is continuous, so frames are laid end to end from the
        first one's arrival: the sample count is the rep's clock. (Arrival times would
        be wrong whenever the server reads the socket late and then drains a backlog.)
        """
        if self._rep_next is None:
            self._rep_next = max(0, round((arrived_s - pcm.size / self.sample_rate) * self.sample_rate))
        start = self._rep_next
        self._rep_next += pcm.size
        self._queue.put((REP_CHANNEL, start, pcm))
        return start / self.sample_rate

    def write_buyer(self, pcm: np.ndarray, at_s: float) -> None:
        """Buyer audio that was played starting at call time ``at_s``."""
        self._queue.put((BUYER_CHANNEL, max(0, round(at_s * self.sample_rate)), pcm))

    @property
    def duration_s(self) -> float:
        return self._recorder.frames / self.sample_rate

    def close(self) -> None:
        """Write everything queued, flush and close the file."""
        self._queue.put(_STOP)
        self._thread.join(timeout=30)
        self._recorder.close()
        if self._failed is not None:
            logger.error("recording %s lost audio: %s", self.path, self._failed)

    def _drain(self) -> None:
        while (item := self._queue.get()) is not _STOP:
            channel, start, pcm = item  # type: ignore[misc]
            try:
                self._recorder.write(channel, start, pcm)
            except Exception as error:  # keep the call going; the log says what was lost
                self._failed = error


@dataclass(frozen=True)
class RecoveredSession:
    """What :func:`recover_session` found in a session directory."""

    directory: Path
    complete: bool
    """True when the call ended cleanly (the JSON files say so)."""
    recording_frames: int
    recording_repaired: bool
    turns: int


def recover_session(directory: Path) -> RecoveredSession:
    """Make a crashed session's files readable and say what survived.

    The WAV header is rewritten from the data present; the JSON files are
    always whole (they are replaced atomically), so they only need reading.
    Raises ``FileNotFoundError`` naming the missing file.
    """
    directory = Path(directory)
    for name in (RECORDING_FILE, TRANSCRIPT_FILE, METRICS_FILE):
        if not (directory / name).is_file():
            raise FileNotFoundError(f"{directory}: session file {name} is missing")
    report = repair_wav(directory / RECORDING_FILE)
    transcript = json.loads((directory / TRANSCRIPT_FILE).read_text(encoding="utf-8"))
    return RecoveredSession(
        directory=directory,
        complete=bool(transcript.get("complete")),
        recording_frames=report.frames,
        recording_repaired=report.repaired,
        turns=len(transcript.get("turns", [])),
    )
