"""``run_agent.py worker start|dev``: run the buyer as a LiveKit agent worker.

Needs a LiveKit server (``LIVEKIT_URL``, ``LIVEKIT_API_KEY``,
``LIVEKIT_API_SECRET``, or the flags); ``docs/livekit.md`` shows how to run
one self-hosted. Without a server the command fails with a message saying so.
"""

from __future__ import annotations

import argparse
import sys

from simulator.settings import Settings


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "worker", help="run the buyer as a LiveKit agent worker (needs a LiveKit server)"
    )
    parser.add_argument("mode", choices=("start", "dev"), help="start: production; dev: debug logs")
    parser.add_argument("--url", help="LiveKit server URL (LIVEKIT_URL)")
    parser.add_argument("--api-key", help="LiveKit API key (LIVEKIT_API_KEY)")
    parser.add_argument("--api-secret", help="LiveKit API secret (LIVEKIT_API_SECRET)")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    parser.set_defaults(handler=_worker)


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from simulator.live.worker import WorkerConfigError, run_worker, worker_config

    try:
        config = worker_config(
            args.mode,
            url=args.url,
            api_key=args.api_key,
            api_secret=args.api_secret,
            log_level=args.log_level,
        )
    except WorkerConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return run_worker(config, settings)
