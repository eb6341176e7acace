"""Command-line interface: one module per subcommand.

Each command module exposes ``register(subcommands)``, which adds its parser and
sets ``handler=`` to a function ``handler(args, settings) -> int``. ``bench``
is a group: bench modules register into the ``bench`` sub-parser via
``register_bench(bench_subcommands)``.
"""

from __future__ import annotations

import argparse
import logging
import sys

from simulator.cli import bench_score, models, profile, score
from simulator.cli import bench_buyer, chat, personas
from simulator.cli import bench_latency, simulate, worker
from simulator.cli import bench_speech, repair_wav
from simulator.model_store import ModelStoreError
from simulator.settings import Settings

_COMMANDS = (models, score, profile, personas, chat, simulate, worker, repair_wav)
_BENCHES: tuple = (bench_score, bench_buyer, bench_latency, bench_speech)


def build_parser() -> argparse.ArgumentParser:
    """The full parser; ``parser.subcommands`` lets the web layer add ``serve``."""
    parser = argparse.ArgumentParser(
        prog="run_agent.py",
        description="Voice role-play simulator for sales training.",
    )
    parser.add_argument("--cache-dir", help="model cache dir (ROLEPLAY_CACHE_DIR)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in _COMMANDS:
        command.register(subcommands)
    bench = subcommands.add_parser("bench", help="benchmarks: medians and ratios vs a baseline")
    bench_subcommands = bench.add_subparsers(dest="bench", metavar="BENCH")
    for module in _BENCHES:
        module.register_bench(bench_subcommands)
    parser.subcommands = subcommands  # type: ignore[attr-defined]
    return parser


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Dispatch to the handler with settings built from env vars plus flags."""
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    settings = Settings().with_overrides(cache_dir=args.cache_dir)
    try:
        return int(handler(args, settings) or 0)
    except ModelStoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
