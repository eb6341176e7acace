"""``run_agent.py repair-wav PATH``: make an interrupted call recording readable again."""

from __future__ import annotations

import argparse
from pathlib import Path

from audio import AudioError, repair_wav
from simulator.settings import Settings


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "repair-wav", help="fix the header of a recording cut short by a crash"
    )
    parser.add_argument("paths", nargs="+", type=Path, help="WAV files to repair in place")
    parser.set_defaults(handler=_repair)


def _repair(args: argparse.Namespace, settings: Settings) -> int:
    failures = 0
    for path in args.paths:
        try:
            report = repair_wav(path)
        except (AudioError, OSError) as error:
            failures += 1
            print(f"{path}: FAILED: {error}")
            continue
        action = "repaired" if report.repaired else "already sound"
        dropped = (
            f", dropped {report.dropped_bytes} bytes of a partial frame"
            if report.dropped_bytes
            else ""
        )
        print(
            f"{path}: {action}: {report.frames / report.sample_rate:.2f} s, "
            f"{report.channels} channels at {report.sample_rate} Hz{dropped}"
        )
    return 1 if failures else 0
