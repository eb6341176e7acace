"""WAV reading and writing with errors that say exactly what is wrong.

The stdlib ``wave`` module answers a float or 24-bit file with "unknown
format: 3" and accepts a truncated file silently. :func:`parse_wav_header`
walks the RIFF chunks itself so the reader (:func:`read_wav`,
:func:`read_wav_mono16k`) and the crash-repair step
(:func:`audio.recording.repair_wav`) can name the file, the field and the
expectation.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from audio.errors import CorruptWavError, EmptyAudioError, UnsupportedFormatError
from audio.pcm import STT_RATE, to_float32, to_int16
from audio.resample import check_rate, resample

HEADER_BYTES = 44
"""Size of the canonical header written here: RIFF + fmt (16 bytes) + data chunk header."""
_FORMAT_PCM = 1
_FORMAT_EXTENSIBLE = 0xFFFE
_FORMAT_NAMES = {
    1: "PCM",
    3: "IEEE float",
    6: "A-law",
    7: "mu-law",
    0x55: "MP3",
    0xFFFE: "extensible",
}


@dataclass(frozen=True)
class WavLayout:
    """Where things are in a WAV file, as its header declares them."""

    format_tag: int
    channels: int
    sample_rate: int
    bits_per_sample: int
    block_align: int
    data_offset: int
    """File offset of the first audio byte."""
    data_size: int
    """Audio bytes the header declares."""
    riff_size: int
    file_size: int

    @property
    def available_data(self) -> int:
        """Audio bytes actually present after ``data_offset``."""
        return max(0, self.file_size - self.data_offset)


def parse_wav_header(stream: BinaryIO, name: str) -> WavLayout:
    """Read the RIFF/fmt/data layout; raises :class:`CorruptWavError` naming ``name``."""
    stream.seek(0, os.SEEK_END)
    file_size = stream.tell()
    stream.seek(0)
    head = stream.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise CorruptWavError(f"{name}: not a WAV file (starts with {head[:12]!r})")
    riff_size = struct.unpack("<I", head[4:8])[0]
    fmt: tuple[int, int, int, int, int] | None = None
    while True:
        chunk_head = stream.read(8)
        if len(chunk_head) < 8:
            missing = "fmt" if fmt is None else "data"
            raise CorruptWavError(f"{name}: no '{missing}' chunk before the end of the file")
        chunk_id, size = chunk_head[:4], struct.unpack("<I", chunk_head[4:])[0]
        if chunk_id == b"fmt ":
            body = stream.read(size)
            if len(body) < 16:
                raise CorruptWavError(f"{name}: 'fmt ' chunk is {len(body)} bytes, needs 16")
            tag, channels, rate, _byte_rate, align, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == _FORMAT_EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack("<H", body[24:26])[0]  # the sub-format GUID starts with the tag
            fmt = (tag, channels, rate, align, bits)
            stream.seek(size % 2, os.SEEK_CUR)
        elif chunk_id == b"data":
            if fmt is None:
                raise CorruptWavError(f"{name}: 'data' chunk comes before the 'fmt ' chunk")
            tag, channels, rate, align, bits = fmt
            if align <= 0 or channels <= 0:
                raise CorruptWavError(f"{name}: 'fmt ' declares {channels} channels, block {align}")
            return WavLayout(
                tag, channels, rate, bits, align, stream.tell(), size, riff_size, file_size
            )
        else:
            stream.seek(size + size % 2, os.SEEK_CUR)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV as an ``int16`` array of shape (frames, channels), and its rate."""
    path = Path(path)
    with path.open("rb") as stream:
        layout = parse_wav_header(stream, str(path))
        if layout.format_tag != _FORMAT_PCM:
            kind = _FORMAT_NAMES.get(layout.format_tag, "unknown")
            raise UnsupportedFormatError(
                f"{path}: audio format {layout.format_tag} ({kind}); expected 16-bit PCM (format 1)"
            )
        if layout.bits_per_sample != 16:
            raise UnsupportedFormatError(
                f"{path}: {layout.bits_per_sample}-bit samples; expected 16-bit PCM"
            )
        if layout.data_size > layout.available_data:
            raise CorruptWavError(
                f"{path}: header declares {layout.data_size} audio bytes but only "
                f"{layout.available_data} are present (interrupted recording? run repair_wav)"
            )
        stream.seek(layout.data_offset)
        data = stream.read(layout.data_size - layout.data_size % layout.block_align)
    frames = np.frombuffer(data, dtype="<i2").reshape(-1, layout.channels)
    return frames.astype(np.int16), layout.sample_rate


def read_wav_mono16k(path: Path, channel: int | None = None) -> np.ndarray:
    """A WAV file as 16 kHz mono float32, ready for :class:`audio.stt.WhisperStt`.

    Multi-channel files are rejected unless ``channel`` picks one. Raises
    :class:`UnsupportedFormatError` (not 16-bit PCM, wrong channel),
    :class:`UnsupportedSampleRateError`, :class:`EmptyAudioError` (no frames)
    or :class:`CorruptWavError` (unreadable or truncated file).
    """
    path = Path(path)
    frames, rate = read_wav(path)
    check_rate(rate, f"{path}: sample rate")
    channels = frames.shape[1]
    if channel is None:
        if channels != 1:
            raise UnsupportedFormatError(
                f"{path}: {channels} channels; expected mono (pass channel=0..{channels - 1})"
            )
        channel = 0
    if not 0 <= channel < channels:
        raise UnsupportedFormatError(f"{path}: channel {channel} requested, file has {channels}")
    if frames.shape[0] == 0:
        raise EmptyAudioError(f"{path}: the WAV file holds no audio frames")
    mono = np.ascontiguousarray(frames[:, channel])
    return to_float32(resample(mono, rate, STT_RATE) if rate != STT_RATE else mono)


def wav_header(sample_rate: int, channels: int, data_bytes: int) -> bytes:
    """The canonical 44-byte header of a 16-bit PCM WAV."""
    block = channels * 2
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        _FORMAT_PCM,
        channels,
        sample_rate,
        sample_rate * block,
        block,
        16,
        b"data",
        data_bytes,
    )


def write_wav(path: Path, audio: np.ndarray, sample_rate: int) -> None:
    """Write 16-bit PCM; ``audio`` is 1-D (mono) or (frames, channels), int16 or float."""
    audio = np.asarray(audio)
    if audio.ndim == 1:
        audio = to_int16(audio, f"{path}")[:, None]
    elif audio.dtype != np.int16:
        audio = np.stack([to_int16(audio[:, c], f"{path}") for c in range(audio.shape[1])], axis=1)
    data = np.ascontiguousarray(audio, dtype="<i2").tobytes()
    Path(path).write_bytes(wav_header(sample_rate, audio.shape[1], len(data)) + data)
