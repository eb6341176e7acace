"""``run_agent.py simulate``: a scripted rep calls a persona over the real call protocol.

Starts the live pipeline behind a local WebSocket server, has the simulated rep
(:mod:`simulator.simrep`) speak the script in real time, and leaves the
session files in ``--out``: ``recording.wav``, ``transcript.json``,
``events.json`` and ``metrics.json``. The script format is documented in
``docs/call-protocol.md``.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from rich.console import Console
from rich.table import Table

from simulator.live.factory import persona_voice
from simulator.live.runtime import LiveRuntime
from simulator.live.service import LiveSessionStarter
from simulator.live.session_log import EVENTS_FILE, METRICS_FILE, RECORDING_FILE, TRANSCRIPT_FILE
from simulator.settings import Settings
from simulator.simrep.client import LineResult, RepRun, SimulatedRep, rep_voice
from simulator.simrep.script import RepScript, ScriptError, load_script
from simulator.transport.handler import CallSessionHandler
from simulator.transport.server import serve_calls


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "simulate", help="a scripted rep calls a persona; writes the session files"
    )
    parser.add_argument("--persona", required=True, metavar="ID", help="persona id")
    parser.add_argument("--script", required=True, type=Path, help="rep script (YAML list of lines)")
    parser.add_argument("--out", required=True, type=Path, help="directory for the session files")
    parser.add_argument("--llm-model", help="GGUF name or path for the embedded server (ROLEPLAY_LLM_MODEL)")
    parser.add_argument("--seed", type=int, help="seed the buyer's choices for a repeatable call")
    parser.set_defaults(handler=_simulate)


def _simulate(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(stderr=True)
    try:
        script = load_script(args.script)
    except ScriptError as error:
        console.print(f"[red]error:[/red] {error}")
        return 2
    settings = settings.with_overrides(llm_model=args.llm_model)
    return asyncio.run(_run(args, settings, script, console))


async def _run(args: argparse.Namespace, settings: Settings, script: RepScript, console: Console) -> int:
    with console.status("starting the voice pipeline...") as status:
        runtime = await LiveRuntime.start(settings, progress=status.update, seed=args.seed)
    try:
        try:
            persona = runtime.personas.get(args.persona)
        except KeyError as error:
            console.print(f"[red]error:[/red] {error.args[0]}")
            return 2
        args.out.mkdir(parents=True, exist_ok=True)
        starter = LiveSessionStarter(runtime.pipeline, runtime.personas, args.out, single_directory=True)
        async with serve_calls(CallSessionHandler(starter)) as server:
            rep = SimulatedRep(
                url=server.url,
                persona=persona.id,
                script=script,
                tts=runtime.models.piper,
                voice=rep_voice(persona_voice(persona)),
                on_line=lambda line: console.print(_line_summary(line, len(script.lines))),
            )
            console.print(f"calling {persona.name} ({persona.id}) with {len(script.lines)} lines...")
            run = await rep.run()
    finally:
        await runtime.aclose()
    _report(console, run, args.out)
    return 0 if run.error is None and run.ended is not None else 1


def _line_summary(line: LineResult, total: int) -> str:
    latency = f"{line.reply_latency_s:.2f} s" if line.reply_latency_s is not None else "no reply"
    cut = f", buyer cut after {line.buyer_cut_s * 1000:.0f} ms" if line.buyer_cut_s else ""
    kind = "barge-in" if line.barge_in else "line"
    return f"  {kind} {line.index + 1}/{total}: reply after {latency}{cut}"


def _report(console: Console, run: RepRun, out: Path) -> None:
    table = Table(title="Call")
    for column in ("speaker", "text"):
        table.add_column(column)
    for message in run.messages:
        if message.get("type") == "transcript" and message.get("final"):
            table.add_row(message["speaker"], message["text"])
    Console().print(table)
    if run.error:
        console.print(f"[red]server error:[/red] {run.error.get('code')}: {run.error.get('message')}")
    ended = run.ended.get("reason") if run.ended else "(no end message)"
    console.print(f"call ended: {ended}")
    for name in (RECORDING_FILE, TRANSCRIPT_FILE, EVENTS_FILE, METRICS_FILE):
        console.print(f"  {out / name}")
