"""Shared helpers for the audio tests: cached real models and generated speech.

Models are cached per process (``lru_cache``), so every test module that asks
for the Piper voice or a Whisper model gets the same loaded instance: each
model loads once per pytest session.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np

from audio import PiperTts, WhisperStt, resample

SALES_SENTENCES = [
    "Thanks for taking the time to talk with me today.",
    "Can you walk me through how your team handles onboarding right now?",
    "What happens when a new customer signs the contract?",
    "How many people are involved in that process?",
    "We already have a vendor for that and the budget is tight this quarter.",
    "I understand the price feels high compared to what you pay today.",
    "What would it cost your business if nothing changes over the next year?",
    "Who else needs to be part of the decision?",
    "Our current system takes about three weeks to set up each account.",
    "Could we schedule a demo with your operations manager next Tuesday?",
    "That makes sense, tell me more about the reporting problem.",
    "If we solved that, what would it mean for your team?",
]


@cache
def piper(voice_path: Path) -> PiperTts:
    """The Piper voice at 22.05 kHz (its native rate), loaded once."""
    return PiperTts(voice_path, sample_rate=22050)


@cache
def whisper(model_dir: Path) -> WhisperStt:
    """A Whisper model with default (fast-path) options, loaded once."""
    return WhisperStt(model_dir)


@cache
def speech_16k(voice_path: Path, text: str) -> np.ndarray:
    """``text`` spoken by Piper, resampled 22.05 -> 16 kHz, int16 (cached per text)."""
    native = piper(voice_path).synthesize_all(text)
    speech = resample(native, 22050, 16000)
    speech.flags.writeable = False
    return speech


def speech_bounds(pcm: np.ndarray, threshold: float = 0.02) -> tuple[int, int]:
    """First and one-past-last sample louder than ``threshold`` of full scale: the true speech."""
    loud = np.flatnonzero(np.abs(pcm.astype(np.float32)) > threshold * 32768)
    return int(loud[0]), int(loud[-1]) + 1


def quiet_noise(samples: int, level: float = 0.001, seed: int = 7) -> np.ndarray:
    """Low white noise (about -60 dBFS), int16: a room, not digital silence."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(samples) * level * 32768).astype(np.int16)


_NUMBERS = {
    0: "zero", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six",
    7: "seven", 8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve",
}  # fmt: skip


def normalise_words(text: str) -> str:
    """Lower-case words without punctuation, small numbers spelled out ("3" = "three"), for WER."""
    words = re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()
    return " ".join(_NUMBERS.get(int(w), w) if w.isdigit() else w for w in words)
