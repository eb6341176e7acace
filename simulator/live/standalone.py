"""A standalone live-call server process: ``python -m simulator.live.standalone``.

Serves ``/ws/call`` with the live pipeline and nothing else, writing each
call's files under ``--out``. Used where the server must be a separate process
(the crash-recovery test kills it with SIGKILL mid-call) and handy for
driving the pipeline from another client without the web app. Prints one line
``READY <url>`` on stdout once it accepts calls. Settings come from the
environment (``ROLEPLAY_*``), e.g. ``ROLEPLAY_LLM_BASE_URL`` to use a running
LLM server instead of starting one.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from simulator.live.runtime import LiveRuntime
from simulator.live.service import LiveSessionStarter
from simulator.settings import Settings
from simulator.transport.handler import CallSessionHandler
from simulator.transport.server import serve_calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator.live.standalone")
    parser.add_argument("--out", type=Path, required=True, help="session files go to OUT/<session id>/")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(args, Settings()))
    return 0


async def _serve(args: argparse.Namespace, settings: Settings) -> None:
    runtime = await LiveRuntime.start(settings, seed=args.seed)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        starter = LiveSessionStarter(runtime.pipeline, runtime.personas, args.out)
        async with serve_calls(CallSessionHandler(starter), host=args.host, port=args.port) as server:
            print(f"READY {server.url}", flush=True)
            await stop.wait()
    finally:
        await runtime.aclose()


if __name__ == "__main__":
    sys.exit(main())
