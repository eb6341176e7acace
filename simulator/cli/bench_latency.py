"""``run_agent.py bench latency``: voice-to-voice latency, pipeline vs naive baseline.

See :mod:`simulator.live.bench` for what is measured and how; ``--json``
prints ``{"pipeline": {"p50_s", "p95_s", "stages"}, "baseline": {"p50_s",
"p95_s"}, "speedup_p50"}`` (plus detail keys). Measured figures and the
command that produced them are kept in ``docs/latency.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from simulator.live.bench import run_latency_bench
from simulator.live.runtime import LiveRuntime
from simulator.settings import Settings


def register_bench(bench_subcommands: argparse._SubParsersAction) -> None:
    parser = bench_subcommands.add_parser(
        "latency", help="voice-to-voice latency of the live pipeline vs a naive sequential loop"
    )
    parser.add_argument("--turns", type=_positive, default=12, help="rep turns per mode (default 12)")
    parser.add_argument("--concurrency", type=_positive, default=1, help="simultaneous calls (default 1)")
    parser.add_argument("--persona", default="busy-exec-cold-call", metavar="ID")
    parser.add_argument("--llm-model", help="GGUF name or path (ROLEPLAY_LLM_MODEL)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    parser.set_defaults(handler=_bench)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    settings = settings.with_overrides(llm_model=args.llm_model)
    report = asyncio.run(_run(args, settings))
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        _print_table(report)
    return 0 if report["pipeline"]["p50_s"] is not None and report["baseline"]["p50_s"] is not None else 1


async def _run(args: argparse.Namespace, settings: Settings) -> dict:
    console = Console(stderr=True)
    with console.status("starting the voice pipeline...") as status:
        runtime = await LiveRuntime.start(
            settings, progress=status.update, seed=args.seed, max_sessions=args.concurrency + 1
        )
    try:
        with tempfile.TemporaryDirectory(prefix="bench-latency-") as work, Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console, transient=not console.is_terminal,
        ) as progress:
            tasks = {mode: progress.add_task(mode, total=args.turns) for mode in ("pipeline", "baseline")}
            return await run_latency_bench(
                runtime,
                persona_id=args.persona,
                turns=args.turns,
                concurrency=args.concurrency,
                work_dir=Path(work),
                progress=lambda mode, done, total: progress.update(tasks[mode], completed=done),
            )
    finally:
        await runtime.aclose()


def _print_table(report: dict) -> None:
    pipeline, baseline = report["pipeline"], report["baseline"]
    table = Table(title=f"Voice-to-voice latency (concurrency {report['concurrency']}, "
                        f"LLM {report['models']['llm']})")
    table.add_column("")
    table.add_column("pipeline", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("ratio", justify="right")
    rows = [("p50 (s)", "p50_s"), ("p95 (s)", "p95_s"), ("turns", "turns")]
    for label, key in rows:
        table.add_row(label, _fmt(pipeline.get(key)), _fmt(baseline.get(key)),
                      _ratio(baseline.get(key), pipeline.get(key)) if key != "turns" else "")
    stages = sorted(set(pipeline.get("stages", {})) | set(baseline.get("stages", {})))
    for stage in stages:
        a, b = pipeline["stages"].get(stage), baseline["stages"].get(stage)
        table.add_row(f"median {stage}", _fmt(a), _fmt(b), _ratio(b, a))
    Console().print(table)
    Console().print(f"speedup (p50): {report['speedup_p50']}x")


def _fmt(value: object) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _ratio(baseline: object, pipeline: object) -> str:
    if isinstance(baseline, int | float) and isinstance(pipeline, int | float) and pipeline > 0:
        return f"{baseline / pipeline:.2f}x"
    return ""
