"""Voice-to-voice latency: the live pipeline against the naive baseline, same run.

Both run behind the same WebSocket protocol in this process, on the same loaded
models and LLM server, and are driven by the same simulated rep. The headline
figure is measured on the client: from the last voiced sample of a rep line
leaving the microphone to the first buyer audio frame arriving. Stage medians
come from each server's own per-turn metrics. Calls of both kinds alternate in
rounds, so background load on the machine hits both alike.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.live.baseline import BaselineStarter
from simulator.live.factory import persona_voice
from simulator.live.metrics import median_or_none, percentile
from simulator.live.runtime import LiveRuntime, brain_factory
from simulator.live.service import LiveSessionStarter
from simulator.simrep.client import RepRun, SimulatedRep, rep_voice
from simulator.simrep.script import RepLine, RepScript
from simulator.transport.handler import CallSessionHandler
from simulator.transport.server import serve_calls

logger = logging.getLogger("simulator.live.bench")

BENCH_LINES = (
    "Thanks for taking my call. How are you handling shift scheduling today?",
    "What happens when someone calls in sick at the last minute?",
    "How much time does your team spend on that each week?",
    "Who else gets involved when you change a process like that?",
    "What have you tried so far to fix it?",
    "What would a good outcome look like for you this quarter?",
)
TURNS_PER_CALL = len(BENCH_LINES)
PIPELINE_STAGES = (
    "final_transcript_s", "turn_committed_s", "first_token_s", "first_audio_s", "first_content_audio_s",
)
BASELINE_STAGES = (*PIPELINE_STAGES[:-1], "llm_done_s", "tts_done_s")


@dataclass
class ModeResult:
    """Latencies of one mode (pipeline or baseline)."""

    latencies: list[float] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=dict)
    acknowledgements: int = 0
    calls: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, run: RepRun) -> int:
        """Fold in one call; returns how many turns it contributed."""
        self.calls += 1
        if run.error:
            self.errors.append(f"{run.error.get('code')}: {run.error.get('message')}")
        self.latencies.extend(run.latencies)
        for message in run.messages:
            if message.get("type") != "metrics":
                continue
            self.acknowledgements += bool(message.get("acknowledgement"))
            for key, value in message.items():
                if key.endswith("_s") and key != "speech_end_s" and isinstance(value, int | float):
                    self.stages.setdefault(key, []).append(float(value))
        return len(run.latencies)

    def summary(self, stage_names: tuple[str, ...]) -> dict[str, Any]:
        if not self.latencies:
            return {"p50_s": None, "p95_s": None, "turns": 0, "stages": {}, "errors": self.errors}
        return {
            "p50_s": round(percentile(self.latencies, 50), 3),
            "p95_s": round(percentile(self.latencies, 95), 3),
            "turns": len(self.latencies),
            "calls": self.calls,
            "stages": {
                name: round(m, 3)
                for name in stage_names
                if (m := median_or_none(self.stages.get(name, []))) is not None
            },
            "acknowledged_turns": self.acknowledgements,
            **self._content_percentiles(),
            "errors": self.errors,
        }

    def _content_percentiles(self) -> dict[str, float]:
        """When the reply's substance (after any acknowledgement) was heard, server-side."""
        content = self.stages.get("first_content_audio_s", [])
        if not content:
            return {}
        return {
            "content_p50_s": round(percentile(content, 50), 3),
            "content_p95_s": round(percentile(content, 95), 3),
        }


def bench_script(turns: int, offset: int = 0) -> RepScript:
    lines = tuple(
        RepLine(say=BENCH_LINES[(offset + i) % len(BENCH_LINES)], pause_before_s=0.6)
        for i in range(turns)
    )
    return RepScript(lines, "<bench>")


async def run_latency_bench(
    runtime: LiveRuntime,
    *,
    persona_id: str,
    turns: int,
    concurrency: int,
    work_dir: Path,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Run ``turns`` turns per mode at ``concurrency`` calls at a time; the JSON report."""
    persona = runtime.personas.get(persona_id)
    voice = rep_voice(persona_voice(persona))
    pipeline_starter = LiveSessionStarter(runtime.pipeline, runtime.personas, work_dir / "pipeline")
    baseline_starter = BaselineStarter(
        runtime.models, runtime.personas, brain_factory(runtime.llm, ack_rate=0.0), work_dir / "baseline"
    )
    results = {"pipeline": ModeResult(), "baseline": ModeResult()}
    async with (
        serve_calls(CallSessionHandler(pipeline_starter)) as pipeline_server,
        serve_calls(CallSessionHandler(baseline_starter)) as baseline_server,
    ):
        urls = {"pipeline": pipeline_server.url, "baseline": baseline_server.url}
        done = {"pipeline": 0, "baseline": 0}
        rounds = 0
        max_rounds = 4 * math.ceil(turns / (TURNS_PER_CALL * concurrency)) + 4
        while min(done.values()) < turns and rounds < max_rounds:
            rounds += 1
            for mode in ("pipeline", "baseline"):
                missing = turns - done[mode]
                if missing <= 0:
                    continue
                calls = min(concurrency, math.ceil(missing / TURNS_PER_CALL))
                reps = [
                    SimulatedRep(
                        url=urls[mode],
                        persona=persona.id,
                        script=bench_script(min(TURNS_PER_CALL, missing), offset=i),
                        tts=runtime.models.piper,
                        voice=voice,
                    )
                    for i in range(calls)
                ]
                for run in await asyncio.gather(*(rep.run() for rep in reps)):
                    done[mode] += results[mode].add(run)
                if progress is not None:
                    progress(mode, min(done[mode], turns), turns)
    pipeline = results["pipeline"].summary(PIPELINE_STAGES)
    baseline = results["baseline"].summary(BASELINE_STAGES)
    speedup = (
        round(baseline["p50_s"] / pipeline["p50_s"], 2)
        if pipeline["p50_s"] and baseline["p50_s"]
        else None
    )
    return {
        "pipeline": pipeline,
        "baseline": baseline,
        "speedup_p50": speedup,
        "concurrency": concurrency,
        "persona": persona.id,
        "models": {
            "stt": runtime.settings.stt_model,
            "llm": runtime.settings.llm_model if not runtime.settings.llm_base_url else "external",
            "tts": runtime.settings.tts_voice,
        },
    }
