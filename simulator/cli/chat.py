"""``run_agent.py chat --persona ID``: typed role-play, for trainers testing personas.

At a terminal it is an interactive chat that shows each decision the buyer
takes. With stdin piped, it reads one rep line per input line. ``--json``
prints one JSON document at the end (and nothing else on stdout)::

    {"persona": id, "turns": [{"speaker": "rep"|"buyer", "text": ...}],
     "events": [{"type": ..., "turn": i, ...}], "state": {...}}

The opening line is buyer turn 0 when the persona speaks first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterator

from rich.console import Console

from personas import Persona, load_library
from simulator.brain import BrainOptions, BuyerBrain
from simulator.events import event_to_json
from simulator.llm.backend import describe_backend, open_llm, quiet_http_logs
from simulator.settings import Settings


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("chat", help="typed role-play with a persona")
    parser.add_argument("--persona", required=True, metavar="ID", help="persona id")
    parser.add_argument(
        "--model",
        help="GGUF model-store name or path for the embedded server (ROLEPLAY_LLM_MODEL); "
        "with ROLEPLAY_LLM_BASE_URL set, the model name sent to that server",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document at the end")
    parser.add_argument("--seed", type=int, help="repeatable authored-line choice and sampling")
    parser.add_argument(
        "--classifier", action="store_true", help="refine the rule-based analysis with the LLM"
    )
    parser.set_defaults(handler=_chat)


def _rep_lines(interactive: bool, console: Console) -> Iterator[str]:
    while True:
        try:
            line = console.input("[bold cyan]you>[/] ") if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and line == "":
            return
        line = line.strip()
        if line in ("/quit", "/exit"):
            return
        if line:
            yield line


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    quiet_http_logs()
    library = load_library()
    try:
        persona = library.get(args.persona)
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 1
    return asyncio.run(_run(args, settings, persona))


async def _run(args: argparse.Namespace, settings: Settings, persona: Persona) -> int:
    interactive = sys.stdin.isatty()
    console = Console(stderr=args.json or not interactive)
    show = not args.json
    console.print(f"[dim]LLM: {describe_backend(settings, args.model)}[/]", highlight=False)
    async with open_llm(settings, args.model) as llm:
        options = BrainOptions(seed=args.seed, use_llm_classifier=args.classifier)
        brain = BuyerBrain(persona, llm, options)
        opening = brain.opening_line()
        if opening and show:
            _say(persona.first_name, opening, interactive, console)
        await brain.prewarm()
        for line in _rep_lines(interactive, console):
            seen = len(brain.events)
            if interactive:
                console.print(f"[bold]{persona.first_name}:[/] ", end="")
                async for clause in brain.respond(line):
                    console.print(clause + " ", end="", highlight=False)
                console.print()
            else:
                reply = await brain.reply(line)
                if show:
                    _say(persona.first_name, reply, interactive, console)
            if interactive:
                for event in brain.events[seen:]:
                    console.print(f"  [dim]{json.dumps(event_to_json(event))}[/]", highlight=False)
            if brain.ended:
                if show:
                    console.print(f"[dim](call ended: {brain.state.ended})[/]")
                break
    if args.json:
        print(json.dumps({"persona": persona.id, **brain.snapshot()}))
    return 0


def _say(name: str, text: str, interactive: bool, console: Console) -> None:
    if interactive:
        console.print(f"[bold]{name}:[/] {text}", highlight=False)
    else:
        print(f"{name}: {text}", flush=True)
