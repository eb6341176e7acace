"""Speech components: VAD, streaming STT, TTS, resampling and crash-safe recording.

Everything here takes plain option dataclasses and paths (never application
settings), works on mono 16-bit PCM or float32 numpy arrays, and is usable
from blocking code and from asyncio (model inference runs in worker threads).

* :class:`EndpointingVad` / :class:`VadOptions`: start/end-of-speech events.
* :class:`WhisperStt` / :class:`SttOptions`: one clip to a :class:`Transcript`.
* :class:`SttStream` (asyncio), :class:`SyncSttStream`: interim + final text.
* :class:`PiperTts` / :class:`VoiceOptions`: streamed :class:`TtsChunk` s.
* :func:`resample`, :class:`StreamResampler`: soxr between supported rates.
* :class:`WavRecorder`, :func:`repair_wav`: time-aligned stereo call recording.
* :func:`read_wav_mono16k`, :func:`read_wav`, :func:`write_wav`: validated WAV I/O.

Heavy modules (faster-whisper, Piper) load on first use of their names, so
importing ``audio`` for the recorder or the VAD stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from audio.errors import (
    AudioError,
    CorruptWavError,
    EmptyAudioError,
    EmptyTextError,
    InvalidAudioError,
    ModelLoadError,
    NonFiniteAudioError,
    OutOfRangeAudioError,
    UnsupportedFormatError,
    UnsupportedSampleRateError,
)
from audio.pcm import STT_RATE, AudioStats, audio_stats, float_to_int16, to_float32, to_int16
from audio.recording import BUYER_CHANNEL, REP_CHANNEL, RepairReport, WavRecorder, repair_wav
from audio.resample import SUPPORTED_RATES, StreamResampler, resample
from audio.text_chunks import SpeechChunker, split_for_speech
from audio.vad import EndpointingVad, VadEvent, VadOptions
from audio.wav import read_wav, read_wav_mono16k, write_wav

if TYPE_CHECKING:
    from audio.streaming_stt import SttStream, SyncSttStream
    from audio.stt import NoSpeechError, SttOptions, Transcript, WhisperStt
    from audio.tts import PiperTts, TtsChunk, VoiceOptions
    from audio.turn_assembler import StreamingOptions, SttEvent

_LAZY = {
    "NoSpeechError": "audio.stt",
    "SttOptions": "audio.stt",
    "Transcript": "audio.stt",
    "WhisperStt": "audio.stt",
    "SttStream": "audio.streaming_stt",
    "SyncSttStream": "audio.streaming_stt",
    "StreamingOptions": "audio.turn_assembler",
    "SttEvent": "audio.turn_assembler",
    "PiperTts": "audio.tts",
    "TtsChunk": "audio.tts",
    "VoiceOptions": "audio.tts",
}


def __getattr__(name: str) -> Any:
    """Import faster-whisper/Piper-backed names only when first used."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'audio' has no attribute {name!r}")


__all__ = [
    "BUYER_CHANNEL",
    "REP_CHANNEL",
    "STT_RATE",
    "SUPPORTED_RATES",
    "AudioError",
    "AudioStats",
    "CorruptWavError",
    "EmptyAudioError",
    "EmptyTextError",
    "EndpointingVad",
    "InvalidAudioError",
    "ModelLoadError",
    "NoSpeechError",
    "NonFiniteAudioError",
    "OutOfRangeAudioError",
    "PiperTts",
    "RepairReport",
    "SpeechChunker",
    "StreamResampler",
    "StreamingOptions",
    "SttEvent",
    "SttOptions",
    "SttStream",
    "SyncSttStream",
    "Transcript",
    "TtsChunk",
    "UnsupportedFormatError",
    "UnsupportedSampleRateError",
    "VadEvent",
    "VadOptions",
    "VoiceOptions",
    "WavRecorder",
    "WhisperStt",
    "audio_stats",
    "float_to_int16",
    "read_wav",
    "read_wav_mono16k",
    "repair_wav",
    "resample",
    "split_for_speech",
    "to_float32",
    "to_int16",
    "write_wav",
]
