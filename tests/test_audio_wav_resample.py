"""WAV validation, sample conversion and soxr resampling (no models needed)."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from audio import (
    CorruptWavError,
    EmptyAudioError,
    NonFiniteAudioError,
    OutOfRangeAudioError,
    StreamResampler,
    UnsupportedFormatError,
    UnsupportedSampleRateError,
    audio_stats,
    read_wav_mono16k,
    resample,
    to_float32,
    write_wav,
)


def _tone(freq: float, rate: int, seconds: float = 1.0, level: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _peak_hz(audio: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(audio.astype(np.float64)))
    return float(np.fft.rfftfreq(audio.size, 1 / rate)[np.argmax(spectrum)])


def _raw_wav(
    path: Path,
    tag: int,
    channels: int,
    rate: int,
    bits: int,
    data: bytes,
    declared: int | None = None,
) -> Path:
    block = channels * bits // 8
    size = len(data) if declared is None else declared
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + size,
        b"WAVE",
        b"fmt ",
        16,
        tag,
        channels,
        rate,
        rate * block,
        block,
        bits,
        b"data",
        size,
    )
    path.write_bytes(header + data)
    return path


# --- WAV reading --------------------------------------------------------------------------


def test_a_22khz_mono_file_comes_back_as_16khz_float(tmp_path: Path) -> None:
    path = tmp_path / "voice.wav"
    write_wav(path, _tone(440, 22050), 22050)
    audio = read_wav_mono16k(path)
    assert audio.dtype == np.float32 and audio.size == 16000
    assert _peak_hz(audio, 16000) == pytest.approx(440, abs=2)


def test_a_stereo_file_needs_a_channel_choice(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    stereo = np.stack([_tone(300, 16000), _tone(900, 16000)], axis=1)
    write_wav(path, stereo, 16000)
    with pytest.raises(
        UnsupportedFormatError, match=r"2 channels; expected mono \(pass channel=0..1\)"
    ):
        read_wav_mono16k(path)
    assert _peak_hz(read_wav_mono16k(path, channel=1), 16000) == pytest.approx(900, abs=2)
    with pytest.raises(UnsupportedFormatError, match="channel 2 requested, file has 2"):
        read_wav_mono16k(path, channel=2)


@pytest.mark.parametrize(
    ("tag", "bits", "rate", "error", "fragment"),
    [
        (3, 32, 16000, UnsupportedFormatError, r"format 3 \(IEEE float\); expected 16-bit PCM"),
        (1, 24, 16000, UnsupportedFormatError, "24-bit samples; expected 16-bit PCM"),
        (1, 8, 16000, UnsupportedFormatError, "8-bit samples"),
        (6, 8, 8000, UnsupportedFormatError, r"A-law"),
        (1, 16, 11025, UnsupportedSampleRateError, "11025 Hz is not supported"),
    ],
)
def test_unsupported_wav_formats_say_what_is_wrong(
    tmp_path: Path, tag: int, bits: int, rate: int, error: type, fragment: str
) -> None:
    path = _raw_wav(tmp_path / "x.wav", tag, 1, rate, bits, b"\x00" * 1200)
    with pytest.raises(error, match=fragment) as raised:
        read_wav_mono16k(path)
    assert str(path) in str(raised.value)


def test_empty_truncated_and_non_wav_files_are_rejected(tmp_path: Path) -> None:
    empty = _raw_wav(tmp_path / "empty.wav", 1, 1, 16000, 16, b"")
    with pytest.raises(EmptyAudioError, match="no audio frames"):
        read_wav_mono16k(empty)
    cut = _raw_wav(tmp_path / "cut.wav", 1, 1, 16000, 16, b"\x00" * 100, declared=32000)
    with pytest.raises(
        CorruptWavError, match=r"declares 32000 audio bytes but only 100 .*repair_wav"
    ):
        read_wav_mono16k(cut)
    mp3 = tmp_path / "song.wav"
    mp3.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00")
    with pytest.raises(CorruptWavError, match="not a WAV file"):
        read_wav_mono16k(mp3)


def test_an_all_silent_file_is_read_and_measured_as_silent(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    write_wav(path, np.zeros(8000, np.int16), 16000)
    audio = read_wav_mono16k(path)
    assert audio.size == 8000 and audio_stats(audio).peak == 0.0  # STT then reports no speech


# --- sample conversion ----------------------------------------------------------------------


def test_float_conversion_rejects_nans_and_int16_scaled_floats() -> None:
    with pytest.raises(
        NonFiniteAudioError, match=r"1 of 3 samples are NaN or infinite \(first at index 2\)"
    ):
        to_float32(np.array([0.0, 0.1, np.inf]))
    with pytest.raises(OutOfRangeAudioError, match=r"peak is 2e\+04.*divide by 32768"):
        to_float32(np.array([0.0, 20000.0]))
    slightly_hot = to_float32(np.array([0.5, 1.2, -1.3], np.float32))
    assert slightly_hot.max() == 1.0 and slightly_hot.min() == -1.0


def test_clipping_is_measured() -> None:
    clipped = np.clip(_tone(200, 16000, level=3.0), -1, 1)
    stats = audio_stats(clipped)
    assert stats.clipped_fraction > 0.3 and stats.peak == 1.0
    assert audio_stats(_tone(200, 16000)).clipped_fraction == 0.0


# --- resampling -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [(48000, 16000), (22050, 16000), (16000, 24000), (22050, 48000), (24000, 22050)],
)
def test_one_shot_resampling_keeps_pitch_and_length(source: int, target: int) -> None:
    out = resample(_tone(1000, source), source, target)
    assert out.dtype == np.float32 and abs(out.size - target) <= 1
    assert _peak_hz(out, target) == pytest.approx(1000, abs=2)
    pcm = resample((_tone(1000, source) * 32767).astype(np.int16), source, target)
    assert pcm.dtype == np.int16


def test_streaming_matches_one_shot_frame_by_frame() -> None:
    tone = (_tone(440, 48000, seconds=2.0) * 32767).astype(np.int16)
    stream = StreamResampler(48000, 16000)
    pieces = [stream.process(tone[i : i + 480]) for i in range(0, tone.size, 480)]  # 10 ms frames
    streamed = np.concatenate([*pieces, stream.flush()])
    whole = resample(tone, 48000, 16000)
    assert abs(streamed.size - whole.size) <= 2
    middle = slice(1000, 31000)  # away from the edges, the filters agree sample by sample
    assert np.max(np.abs(streamed[middle].astype(int) - whole[middle].astype(int))) <= 2


def test_unsupported_rates_are_rejected() -> None:
    with pytest.raises(UnsupportedSampleRateError, match="input rate 11025 Hz"):
        resample(np.zeros(10, np.int16), 11025, 16000)
    with pytest.raises(UnsupportedSampleRateError, match="output rate 96000 Hz"):
        StreamResampler(16000, 96000)
