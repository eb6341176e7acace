"""``run_agent.py bench score``: how long scoring takes for a 10- and a 60-minute call.

Builds synthetic transcripts (a realistic mix of questions, stories, objections
and buyer-brain events), then times each stage: load and validate, score, and
render Markdown and HTML. Medians of several runs; the 10-minute call is the
baseline, so the ratio column shows how cost grows with call length.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from evaluation import (Scorecard, load_scorecard, load_transcript, render_html, render_markdown,
                        score)
from evaluation.language import sentence_spans
from simulator.settings import Settings

_EXCHANGES = (
    ("So, walk me through how your team handles this today?",
     "Right now it is mostly manual. Two people pull data into a spreadsheet every morning and it "
     "takes them about three hours, which is frustrating for everyone involved.", "fact"),
    ("What happens when that takes longer than expected?",
     "We miss delivery windows, and last month that cost us around $4,000 in penalties.", "fact"),
    ("One of our customers had the same problem; they cut that work by 60 percent in two months.",
     "That sounds good, but honestly the price is probably going to be an issue for us.",
     "objection"),
    ("I understand. Can I ask what you're comparing the cost against?",
     "Mostly against doing nothing, I guess. The spreadsheet is free.", None),
    ("You mentioned $4,000 a month in penalties; this would pay for itself. Does that help?",
     "Put that way, it does. I would need to show our CFO those numbers.", "resolved"),
    ("Um, who else would be involved in the decision, you know?",
     "The CFO signs off on anything over fifty thousand, and IT runs a security review.", "fact"),
    ("If you could rebuild the plan in minutes, how would that change things for your team?",
     "It would free the dispatchers to handle exceptions instead of typing all morning.", None),
)


def _synthetic(minutes: float) -> dict[str, Any]:
    """A version-1 transcript of about ``minutes`` minutes, with events."""
    turns: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    t, n = 0.5, 0
    while t < minutes * 60:
        rep, buyer, kind = _EXCHANGES[n % len(_EXCHANGES)]
        for speaker, text, wpm in (("rep", rep, 165), ("buyer", buyer, 150)):
            duration = len(text.split()) / wpm * 60 + 0.3
            turns.append({"speaker": speaker, "start": round(t, 2),
                          "end": round(t + duration, 2), "text": text})
            t += duration + 0.9
        rep_turn = len(turns) - 2
        if kind == "fact":
            events.append({"type": "fact_revealed", "turn": rep_turn, "fact": f"fact-{n}",
                           "category": "pain"})
        elif kind == "objection":
            events.append({"type": "objection_raised", "turn": rep_turn, "objection": f"o-{n}",
                           "category": "price"})
        elif kind == "resolved":
            events.append({"type": "objection_resolved", "turn": rep_turn,
                           "objection": f"o-{n - 2}", "category": "price"})
        n += 1
    return {"version": 1, "persona": "bench", "duration_s": round(t, 2), "turns": turns,
            "events": events}


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _score_cold(data: dict[str, Any], card: Scorecard) -> object:
    """Score with the sentence cache emptied, as for a call never seen before."""
    sentence_spans.cache_clear()
    return score(data, card)


def register_bench(bench_subcommands: argparse._SubParsersAction) -> None:
    parser = bench_subcommands.add_parser(
        "score", help="scoring speed for a 10- and a 60-minute transcript (medians)")
    parser.add_argument("--repeats", type=int, default=7, help="runs per measurement (default 7)")
    parser.add_argument("--scorecard", default="ae", help="scorecard id or path (default ae)")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    card = load_scorecard(args.scorecard)
    sizes = (10.0, 60.0)
    rows: dict[float, dict[str, float]] = {}
    console = Console(stderr=True)
    with Progress(console=console, transient=not console.is_terminal) as progress:
        task = progress.add_task("benchmarking", total=len(sizes) * 4)
        for minutes in sizes:
            data = _synthetic(minutes)
            transcript = load_transcript(data)
            load_transcript(data)  # warm caches so the first size is not penalised
            result = score(transcript, card)
            stages: dict[str, Callable[[], object]] = {
                "load_ms": partial(load_transcript, data),
                "score_ms": partial(_score_cold, data, card),
                "markdown_ms": partial(render_markdown, result),
                "html_ms": partial(render_html, result),
            }
            rows[minutes] = {"turns": float(len(data["turns"]))}
            for name, fn in stages.items():
                rows[minutes][name] = round(_median_ms(fn, args.repeats), 2)
                progress.advance(task)
    baseline = rows[sizes[0]]
    if args.json:
        print(json.dumps({f"{m:g}min": r for m, r in rows.items()}, indent=2))
        return 0
    table = Table(title=f"bench score (median of {args.repeats}; baseline: 10-minute call)")
    for column in ("call", "turns", "load ms", "score ms", "markdown ms", "html ms",
                   "score ratio vs 10 min"):
        table.add_column(column, justify="right")
    for minutes, row in rows.items():
        table.add_row(f"{minutes:g} min", f"{row['turns']:.0f}", f"{row['load_ms']:.1f}",
                      f"{row['score_ms']:.1f}", f"{row['markdown_ms']:.1f}",
                      f"{row['html_ms']:.1f}", f"{row['score_ms'] / baseline['score_ms']:.2f}x")
    Console().print(table)
    return 0
