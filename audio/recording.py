"""Crash-safe, time-aligned call recording: one WAV, rep on the left, buyer on the right.

Each channel is written at an explicit sample position (the session clock),
so the two speakers stay aligned however their audio arrives; positions
nobody wrote are silence. Audio is buffered in memory and flushed in blocks:
each flush writes the frames, rewrites the RIFF and data sizes in the header
and fsyncs. The file is a valid WAV from the moment it is created, so a crash
at any point leaves a readable file holding everything up to the last flush;
:func:`repair_wav` additionally recovers frames written after the last header
update and cuts a half-written frame.

Writes behind the flushed point (audio that arrived late) are patched into
the file in place, so nothing is dropped for arriving late.
"""

from __future__ import annotations

import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from audio.pcm import PcmLike, to_int16
from audio.resample import check_rate
from audio.wav import HEADER_BYTES, parse_wav_header, wav_header

REP_CHANNEL = 0
"""Left: the sales rep (the human)."""
BUYER_CHANNEL = 1
"""Right: the AI buyer."""
_MAX_DATA_BYTES = 0xFFFFFFFF - 36  # the RIFF size field is 32 bits


class WavRecorder:
    """Incremental multi-channel 16-bit WAV writer; thread-safe.

    ``flush_every_s`` is how much audio may wait in memory before a flush (and
    so how much a crash can lose). Automatic flushes leave the newest
    ``hold_back_s`` (at most half of ``flush_every_s``) in memory: the two
    channels arrive a little out of step, and a block flushed before its other
    channel arrived would have to be patched on disk.
    """

    def __init__(
        self,
        path: Path,
        sample_rate: int = 16000,
        channels: int = 2,
        flush_every_s: float = 0.5,
        hold_back_s: float = 0.1,
    ) -> None:
        if channels < 1:
            raise ValueError(f"WavRecorder: channels must be >= 1, got {channels}")
        if flush_every_s <= 0:
            raise ValueError(f"WavRecorder: flush_every_s must be positive, got {flush_every_s}")
        if hold_back_s < 0:
            raise ValueError(f"WavRecorder: hold_back_s must not be negative, got {hold_back_s}")
        self.path = Path(path)
        self.sample_rate = check_rate(sample_rate, "recording rate")
        self.channels = channels
        self._block = 2 * channels
        self._flush_frames = max(1, int(flush_every_s * sample_rate))
        self._hold_back = int(min(hold_back_s, flush_every_s / 2) * sample_rate)
        self._lock = threading.Lock()
        self._disk_frames = 0
        self._end = 0
        self._pending = np.zeros((0, channels), dtype=np.int16)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        os.pwrite(self._fd, wav_header(sample_rate, channels, 0), 0)
        os.fsync(self._fd)
        _fsync_dir(self.path.parent)

    @property
    def frames(self) -> int:
        """Frames recorded so far (flushed or not): the recording's length."""
        return self._end

    @property
    def durable_frames(self) -> int:
        """Frames on disk and in the header: what survives a crash right now."""
        return self._disk_frames

    def write(self, channel: int, start_sample: int, pcm: PcmLike) -> None:
        """Put ``pcm`` (mono, this recorder's rate) on ``channel`` starting at ``start_sample``.

        Overlapping writes to the same channel replace what was there.
        """
        if not 0 <= channel < self.channels:
            raise ValueError(f"WavRecorder: channel {channel} out of range 0..{self.channels - 1}")
        if start_sample < 0:
            raise ValueError(f"WavRecorder: start_sample must be >= 0, got {start_sample}")
        samples = to_int16(pcm, f"recording channel {channel}")
        with self._lock:
            fd = self._require_open()
            end = start_sample + samples.size
            if end > self._end:
                grow = end - self._disk_frames - self._pending.shape[0]
                if grow > 0:
                    padding = np.zeros((grow, self.channels), dtype=np.int16)
                    self._pending = np.concatenate([self._pending, padding])
                self._end = end
            late = min(end, self._disk_frames) - start_sample
            if late > 0:
                self._patch_on_disk(fd, channel, start_sample, samples[:late])
            if end > self._disk_frames:
                offset = max(0, late)
                first = start_sample + offset - self._disk_frames
                self._pending[first : first + samples.size - offset, channel] = samples[offset:]
            if self._end - self._disk_frames >= self._flush_frames:
                self._flush_locked(fd, self._end - self._hold_back)

    def flush(self) -> int:
        """Write buffered frames, update the header, fsync; returns :attr:`durable_frames`."""
        with self._lock:
            self._flush_locked(self._require_open(), self._end)
            return self._disk_frames

    def close(self) -> None:
        """Flush and close; further writes raise."""
        with self._lock:
            if self._fd is None:
                return
            self._flush_locked(self._fd, self._end)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> WavRecorder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _require_open(self) -> int:
        if self._fd is None:
            raise ValueError(f"WavRecorder: {self.path} is closed")
        return self._fd

    def _flush_locked(self, fd: int, until: int) -> None:
        """Make frames up to ``until`` durable."""
        count = until - self._disk_frames
        if count <= 0:
            return
        data_bytes = until * self._block
        if data_bytes > _MAX_DATA_BYTES:
            raise OverflowError(f"{self.path}: recording exceeds the 4 GiB WAV limit")
        block = np.ascontiguousarray(self._pending[:count], dtype="<i2").tobytes()
        os.pwrite(fd, block, HEADER_BYTES + self._disk_frames * self._block)
        # sizes go in only after the frames they describe, so the header never overstates
        os.pwrite(fd, struct.pack("<I", 36 + data_bytes), 4)
        os.pwrite(fd, struct.pack("<I", data_bytes), 40)
        os.fsync(fd)
        self._disk_frames = until
        self._pending = self._pending[count:]

    def _patch_on_disk(self, fd: int, channel: int, start: int, samples: np.ndarray) -> None:
        """Rewrite one channel of frames that are already on disk (read-modify-write)."""
        offset = HEADER_BYTES + start * self._block
        raw = os.pread(fd, samples.size * self._block, offset)
        frames = np.frombuffer(raw, dtype="<i2").reshape(-1, self.channels).copy()
        frames[:, channel] = samples
        os.pwrite(fd, frames.tobytes(), offset)


def _fsync_dir(directory: Path) -> None:
    """Make the new file's directory entry durable too (a crash must not lose the file)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class RepairReport:
    """What :func:`repair_wav` found and did."""

    frames: int
    """Whole frames in the file after repair."""
    sample_rate: int
    channels: int
    repaired: bool
    """False when the header already matched the data (nothing was changed)."""
    dropped_bytes: int
    """Bytes of a half-written frame cut from the end."""


def repair_wav(path: Path) -> RepairReport:
    """Make an interrupted WAV readable: sizes from the data present, whole frames only.

    Meant for files written by :class:`WavRecorder` (the data chunk is the last
    one: everything after its start is audio). A file whose header already
    matches its data is left untouched. Raises
    :class:`~audio.errors.CorruptWavError` when there is no RIFF/fmt/data
    structure to repair.
    """
    path = Path(path)
    with path.open("r+b") as stream:
        layout = parse_wav_header(stream, str(path))
        available = layout.available_data
        # a complete file's RIFF size covers the whole file (give or take a pad byte);
        # after a crash it lags behind frames written since the last header update
        consistent = (
            layout.data_size <= available
            and abs(layout.riff_size + 8 - layout.file_size) <= 1
            and layout.data_size % layout.block_align == 0
        )
        if consistent:
            return RepairReport(
                layout.data_size // layout.block_align,
                layout.sample_rate,
                layout.channels,
                False,
                0,
            )
        dropped = available % layout.block_align
        data_bytes = min(available - dropped, _MAX_DATA_BYTES)
        stream.truncate(layout.data_offset + data_bytes)
        stream.seek(4)
        stream.write(struct.pack("<I", layout.data_offset - 8 + data_bytes))
        stream.seek(layout.data_offset - 4)
        stream.write(struct.pack("<I", data_bytes))
        stream.flush()
        os.fsync(stream.fileno())
    return RepairReport(
        data_bytes // layout.block_align, layout.sample_rate, layout.channels, True, dropped
    )
