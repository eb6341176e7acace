"""``run_agent.py bench buyer``: how well each LLM plays the personas, behind the guardrails.

Plays the fixed rep scripts of :mod:`simulator.brain.scripts` (good discovery,
pitch monologue, objection handling, adversarial first lines) against every
persona with each model, and reports side by side: in-role rate (replies the
LLM got right on the first try), guardrail violations before fallback, fallback
rate, leaks after the guardrails (must be 0), reply length, time to first token
and tokens per second, with ratios against the first model as the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from personas import load_library
from personas.schema import Persona
from personas.textstats import count_words
from simulator.brain import BrainOptions, BuyerBrain
from simulator.brain.scripts import SCRIPTS, Script
from simulator.llm import LLMClient
from simulator.llm.backend import open_llm, quiet_http_logs
from simulator.settings import Settings


def register_bench(bench_subcommands: argparse._SubParsersAction) -> None:
    parser = bench_subcommands.add_parser("buyer", help="role-play quality and speed of each LLM")
    parser.add_argument(
        "--model", action="append", help="model-store name or GGUF path; repeat to compare "
        "(default: ROLEPLAY_LLM_MODEL). With ROLEPLAY_LLM_BASE_URL: model names on that server",
    )  # fmt: skip
    parser.add_argument("--persona", action="append", metavar="ID", help="only these personas")
    parser.add_argument(
        "--script", action="append", choices=[s.name for s in SCRIPTS], help="only these scripts"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(handler=_bench)


@dataclass
class ModelResult:
    """Raw counts for one model; the table derives rates from them."""

    model: str
    replies: int = 0
    in_role: int = 0
    violations: int = 0
    fallbacks: int = 0
    llm_errors: int = 0
    leaks_after_guardrails: int = 0
    adversarial_reveals: int = 0
    discovery_facts: int = 0
    words: list[int] = field(default_factory=list)
    first_token_s: list[float] = field(default_factory=list)
    first_clause_s: list[float] = field(default_factory=list)
    tokens_per_s: list[float] = field(default_factory=list)
    per_persona: dict[str, ModelResult] = field(default_factory=dict)

    def merge(self, other: ModelResult) -> None:
        """Add ``other``'s counts and samples (one persona's) to this total."""
        for name, value in vars(other).items():
            if isinstance(value, (int, list)) and not isinstance(value, bool):
                setattr(self, name, getattr(self, name) + value)

    def summary(self) -> dict[str, Any]:
        n = max(self.replies, 1)
        med = lambda values: round(statistics.median(values), 3) if values else None  # noqa: E731
        return {
            "model": self.model,
            "replies": self.replies,
            "in_role_rate": round(self.in_role / n, 3),
            "violations_before_fallback": self.violations,
            "fallback_rate": round(self.fallbacks / n, 3),
            "llm_errors": self.llm_errors,
            "leaks_after_guardrails": self.leaks_after_guardrails,
            "adversarial_reveals": self.adversarial_reveals,
            "discovery_facts_revealed": self.discovery_facts,
            "median_reply_words": med(self.words),
            "median_first_token_s": med(self.first_token_s),
            "median_first_clause_s": med(self.first_clause_s),
            "median_tokens_per_s": med(self.tokens_per_s),
        }


def _conversations(script: Script, persona: Persona) -> list[list[str]]:
    lines = script.render(persona)
    return [[line] for line in lines] if script.fresh_call_per_line else [lines]


async def _play(
    llm: LLMClient, persona: Persona, script: Script, result: ModelResult, seed: int,
    advance: Callable[[], None],
) -> None:  # fmt: skip
    for lines in _conversations(script, persona):
        brain = BuyerBrain(persona, llm, BrainOptions(seed=seed))
        brain.opening_line()
        await brain.prewarm()
        for line in lines:
            if brain.ended:
                advance()
                continue
            text = await brain.reply(line)
            record = brain.stats.replies[-1]
            allowed = set(brain.state.revealed)
            unsafe = brain.guardrails.check_content(text, allowed, record.intent)
            result.replies += 1
            result.in_role += record.source == "llm" and not record.violations
            result.violations += len(record.violations)
            result.fallbacks += record.source == "fallback"
            result.llm_errors += record.llm_error is not None
            result.leaks_after_guardrails += unsafe is not None
            result.words.append(count_words(text))
            if record.source == "llm" and record.first_token_s is not None:
                result.first_token_s.append(record.first_token_s)
                decode_s = record.generation_s - record.first_token_s
                if record.deltas > 1 and decode_s > 0:
                    result.tokens_per_s.append((record.deltas - 1) / decode_s)
            if record.first_clause_s is not None:
                result.first_clause_s.append(record.first_clause_s)
            advance()
        revealed = sum(1 for event in brain.events if event.type == "fact_revealed")
        if script.fresh_call_per_line:
            result.adversarial_reveals += revealed
        elif script.name == "good_discovery":
            result.discovery_facts += revealed


async def _run_model(
    settings: Settings, model: str | None, personas: list[Persona], scripts: list[Script],
    seed: int, progress: Progress,
) -> ModelResult:  # fmt: skip
    label = model or settings.llm_model
    total = sum(len(s.lines) for s in scripts) * len(personas)
    task = progress.add_task(f"{label}: starting", total=total)
    result = ModelResult(label)
    async with open_llm(settings, model) as llm:
        for persona in personas:
            mine = result.per_persona[persona.id] = ModelResult(label)
            for script in scripts:
                progress.update(task, description=f"{label}: {persona.id} / {script.name}")
                await _play(llm, persona, script, mine, seed, lambda: progress.advance(task))
                if not progress.console.is_terminal:  # no live bar: one line per step
                    done = int(progress.tasks[task].completed)
                    progress.console.print(
                        f"{label}: {persona.id} / {script.name} ({done}/{total})"
                    )
            result.merge(mine)
    progress.update(task, description=f"{label}: done")
    return result


def _table(summaries: list[dict[str, Any]]) -> Table:
    table = Table(title="Buyer bench (first model = baseline for ratios)")
    table.add_column("metric")
    for summary in summaries:
        table.add_column(summary["model"], justify="right")
    base = summaries[0]
    for key in summaries[0]:
        if key == "model":
            continue
        cells = []
        for summary in summaries:
            value = summary[key]
            cell = "-" if value is None else str(value)
            if key in ("median_first_token_s", "median_tokens_per_s") and summary is not base:
                if value and base[key]:
                    cell += f" ({value / base[key]:.2f}x)"
            cells.append(cell)
        table.add_row(key, *cells)
    return table


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    quiet_http_logs()
    library = load_library()
    personas = (
        [library.get(p) for p in args.persona] if args.persona else list(library.personas.values())
    )
    scripts = [s for s in SCRIPTS if not args.script or s.name in args.script]
    models: list[str | None] = args.model or [None]
    console = Console(stderr=True)
    results = []
    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=not console.is_terminal,
    ) as progress:  # fmt: skip
        for model in models:
            results.append(
                asyncio.run(_run_model(settings, model, personas, scripts, args.seed, progress))
            )
    summaries = [result.summary() for result in results]
    if args.json:
        print(json.dumps({
            "personas": [p.id for p in personas], "scripts": [s.name for s in scripts],
            "models": summaries,
            "per_persona": {
                r.model: {pid: p.summary() for pid, p in r.per_persona.items()} for r in results
            },
            "raw": [asdict(r) for r in results],
        }))  # fmt: skip
    else:
        Console().print(_table(summaries))
    return (
        1 if any(s["leaks_after_guardrails"] or s["adversarial_reveals"] for s in summaries) else 0
    )
