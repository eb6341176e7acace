"""``run_agent.py bench speech``: what the speech components cost, on generated speech.

Clips are spoken by the Piper voice (so the bench needs nothing but the model
store), then measured over several runs and reported as medians:

* VAD: microseconds per 30 ms frame for the endpointing VAD fed 20 ms live
  frames, next to bare webrtcvad on the same frames (the baseline);
* STT: latency on a 3 s and a 10 s clip per Whisper model, the standard 30 s
  encoder window (the baseline) next to the clip-sized fast window, with the
  speed-up and each path's word error rate on the clip;
* TTS: time to first audio with the clause-first chunking against Piper's own
  sentence-by-sentence streaming (the baseline), and the real-time factor.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import webrtcvad
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from audio import EndpointingVad
from simulator.model_store import ModelStore
from simulator.settings import Settings

if TYPE_CHECKING:  # Piper and faster-whisper load only when the bench runs, not with the CLI
    from audio import PiperTts

_T = TypeVar("_T")
_RATE = 16000
_CLIP_SECONDS = (3.0, 10.0)
_SENTENCES = (
    "Can you walk me through how your team handles onboarding right now?",
    "Who else needs to be part of the decision?",
    "What would it cost your business if nothing changes over the next year?",
    "How many people are involved in that process?",
    "We already have a vendor for that and the budget is tight this quarter.",
    "Could we schedule a demo with your operations manager next Tuesday?",
)
_REPLY = (
    "Honestly, we looked at a couple of vendors last year, and none of them fit the way we "
    "work. What would make yours different? I would need to see real numbers first."
)


def register_bench(bench_subcommands: argparse._SubParsersAction) -> None:
    parser = bench_subcommands.add_parser(
        "speech", help="VAD, STT (standard vs fast window) and TTS costs (medians)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument(
        "--models",
        nargs="+",
        default=["whisper-tiny.en", "whisper-base"],
        help="Whisper models (store names or paths)",
    )
    parser.add_argument("--voice", help="Piper voice (default: ROLEPLAY_TTS_VOICE)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=_bench)


def _median(fn: Callable[[], _T], runs: int) -> tuple[float, _T]:
    """Median wall time of ``fn`` in seconds after one untimed warm-up call, and its last result."""
    result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over reference length (case and punctuation ignored)."""
    ref, hyp = (re.sub(r"[^a-z0-9' ]+", " ", t.lower()).split() for t in (reference, hypothesis))
    row = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != other))
    return row[-1] / max(1, len(ref))


def _clips(tts: PiperTts) -> dict[float, tuple[np.ndarray, str]]:
    """For each clip length: sentences that fit (0.3 s apart), padded with silence to exactly it."""
    gap = np.zeros(_RATE * 3 // 10, np.int16)
    spoken: list[tuple[str, np.ndarray]] = []
    clips = {}
    for seconds in _CLIP_SECONDS:
        target = int(seconds * _RATE)
        parts: list[np.ndarray] = []
        words: list[str] = []
        used = 0
        for index, text in enumerate(_SENTENCES):
            if index == len(spoken):  # each sentence is synthesised once, for all clips
                spoken.append((text, tts.synthesize_all(text, sample_rate=_RATE)))
            speech = spoken[index][1]
            if used + speech.size + gap.size <= target:
                parts += [speech, gap]
                words.append(text)
                used += speech.size + gap.size
            if target - used < _RATE:
                break
        parts.append(np.zeros(target - used, np.int16))
        clips[seconds] = (np.concatenate(parts), " ".join(words))
    return clips


def _bench_vad(audio: np.ndarray, runs: int) -> dict[str, float]:
    frame = _RATE * 30 // 1000
    frames = audio.size // frame

    def endpointing() -> None:
        vad = EndpointingVad()
        for offset in range(0, audio.size, _RATE // 50):
            vad.push(audio[offset : offset + _RATE // 50])

    def bare() -> None:
        vad = webrtcvad.Vad(2)
        for offset in range(0, frames * frame, frame):
            vad.is_speech(audio[offset : offset + frame].tobytes(), _RATE)

    ours, _ = _median(endpointing, runs)
    baseline, _ = _median(bare, runs)
    per_frame_us = ours / frames * 1e6
    return {
        "frame_ms": 30,
        "us_per_frame": round(per_frame_us, 2),
        "webrtcvad_us_per_frame": round(baseline / frames * 1e6, 2),
        "overhead_ratio": round(ours / baseline, 2),
        "share_of_real_time": round(per_frame_us / 30_000, 6),
    }


def _bench_tts(tts: PiperTts, voice_path: Path, runs: int) -> dict[str, float]:
    from piper import SynthesisConfig

    from audio.tts import load_piper

    voice = load_piper(voice_path)
    config = SynthesisConfig(normalize_audio=False)
    next(iter(voice.synthesize("Hello there.", config)))  # warm up the baseline voice too
    ours, _ = _median(lambda: next(iter(tts.synthesize(_REPLY))), runs)
    baseline, _ = _median(lambda: next(iter(voice.synthesize(_REPLY, config))), runs)
    whole, audio = _median(lambda: tts.synthesize_all(_REPLY, sample_rate=_RATE), runs)
    duration = np.asarray(audio).size / _RATE
    return {
        "first_audio_s": round(ours, 3),
        "piper_sentence_first_audio_s": round(baseline, 3),
        "speedup": round(baseline / ours, 2),
        "reply_audio_s": round(duration, 2),
        "real_time_factor": round(whole / duration, 3),
    }


def _bench_stt(
    name: str,
    model_dir: Path,
    clips: dict[float, tuple[np.ndarray, str]],
    runs: int,
    advance: Callable[[], None],
) -> list[dict[str, Any]]:
    from audio import WhisperStt

    stt = WhisperStt(model_dir)
    rows = []
    for seconds, (audio, text) in clips.items():
        row: dict[str, Any] = {"model": name, "clip_s": seconds}
        for decoder in ("standard", "fast"):
            latency, result = _median(partial(stt.transcribe, audio, decoder=decoder), runs)
            row[f"{decoder}_s"] = round(latency, 3)
            row[f"{decoder}_wer"] = round(word_error_rate(text, result.text), 3)
            row[f"{decoder}_used"] = result.decoder
            advance()
        row["speedup"] = round(row["standard_s"] / row["fast_s"], 2)
        rows.append(row)
    return rows


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    if args.runs < 1:
        raise SystemExit("error: --runs must be at least 1")
    # faster-whisper logs every standard-path call at INFO: noise in a timing loop
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)
    store = ModelStore(settings.cache_dir)
    voice_path = store.resolve(args.voice or settings.tts_voice, "piper")
    model_dirs = {name: store.resolve(name, "whisper") for name in args.models}
    console = Console(stderr=True)
    with Progress(console=console, transient=not console.is_terminal) as progress:
        task = progress.add_task("speech bench", total=4 + len(model_dirs) * len(_CLIP_SECONDS) * 2)
        progress.update(task, description="loading Piper, generating clips")
        from audio import PiperTts

        tts = PiperTts(voice_path, sample_rate=_RATE)
        clips = _clips(tts)
        progress.advance(task)
        progress.update(task, description="VAD")
        vad = _bench_vad(clips[10.0][0], args.runs)
        progress.advance(task)
        progress.update(task, description="TTS")
        tts_result = _bench_tts(tts, voice_path, args.runs)
        progress.advance(task, 2)
        stt_rows = []
        for name, model_dir in model_dirs.items():
            progress.update(task, description=f"STT {name}")
            stt_rows += _bench_stt(
                name, model_dir, clips, args.runs, lambda: progress.advance(task)
            )
    report = {"runs": args.runs, "vad": vad, "stt": stt_rows, "tts": tts_result}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_tables(report)
    return 0


def _print_tables(report: dict[str, Any]) -> None:
    console = Console()
    stt = Table(title=f"STT latency, median of {report['runs']} (baseline: standard 30 s window)")
    for column in ("model", "clip", "standard s", "fast s", "speed-up", "WER std", "WER fast"):
        stt.add_column(column, justify="right", no_wrap=True)
    for row in report["stt"]:
        fast = f"{row['fast_s']:.3f}" + ("" if row["fast_used"] == "fast" else " (fell back)")
        stt.add_row(
            row["model"],
            f"{row['clip_s']:g} s",
            f"{row['standard_s']:.3f}",
            fast,
            f"{row['speedup']:.2f}x",
            f"{row['standard_wer']:.1%}",
            f"{row['fast_wer']:.1%}",
        )
    console.print(stt)
    tts = report["tts"]
    table = Table(title="TTS (baseline: Piper's own sentence-by-sentence streaming)")
    for column in ("first audio s", "baseline first audio s", "speed-up", "reply audio s", "RTF"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{tts['first_audio_s']:.3f}",
        f"{tts['piper_sentence_first_audio_s']:.3f}",
        f"{tts['speedup']:.2f}x",
        f"{tts['reply_audio_s']:.2f}",
        f"{tts['real_time_factor']:.3f}",
    )
    console.print(table)
    vad = report["vad"]
    console.print(
        f"VAD: {vad['us_per_frame']:.1f} µs per {vad['frame_ms']} ms frame "
        f"({vad['share_of_real_time']:.3%} of real time); bare webrtcvad "
        f"{vad['webrtcvad_us_per_frame']:.1f} µs ({vad['overhead_ratio']:.1f}x)"
    )
