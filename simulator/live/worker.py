"""LiveKit worker mode: the same voice session as a LiveKit agent (``run_agent.py worker``).

A LiveKit server dispatches one job per room; the job joins the room and runs
the buyer with :class:`~simulator.live.room_call.RoomCall`, built by the same
factory as the embedded transport. Turn detection is livekit's ``"vad"`` mode
on our webrtcvad plugin and interruption is ``"vad"`` mode, so nothing is
routed to a cloud model, in ``dev`` or in ``start``.

The worker process starts the embedded LLM server once (unless
``ROLEPLAY_LLM_BASE_URL`` points at one) and hands its URL to the job
processes through the environment; each job process loads Whisper and Piper
once in its setup function and reuses them for every job it runs. More
machines running ``worker start`` against the same LiveKit server is how a
deployment scales past one machine (``docs/livekit.md``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from livekit.agents import AgentServer, JobContext, JobProcess

from personas.loader import load_library
from simulator.live.room_call import RoomCall
from simulator.live.runtime import brain_factory, live_options, load_speech_models
from simulator.llm import LLMClient, LLMOptions
from simulator.settings import Settings
from simulator.transport.protocol import StartMessage

logger = logging.getLogger("simulator.live.worker")

AGENT_NAME = "roleplay-buyer"
Mode = Literal["start", "dev"]


class WorkerConfigError(ValueError):
    """The worker cannot start; the message says what to set."""


@dataclass(frozen=True)
class WorkerConfig:
    """Where the LiveKit server is and how the worker runs."""

    mode: Mode
    url: str
    api_key: str
    api_secret: str = ""
    agent_name: str = AGENT_NAME
    log_level: str = "INFO"

    @property
    def dev(self) -> bool:
        return self.mode == "dev"


def worker_config(
    mode: Mode,
    *,
    url: str | None = None,
    api_key: str | None = None,
    api_secret: str | None = None,
    log_level: str = "INFO",
    env: Mapping[str, str] = os.environ,
) -> WorkerConfig:
    """Flags over ``LIVEKIT_URL``/``LIVEKIT_API_KEY``/``LIVEKIT_API_SECRET``, checked."""
    url = url or env.get("LIVEKIT_URL", "")
    api_key = api_key or env.get("LIVEKIT_API_KEY", "")
    api_secret = api_secret or env.get("LIVEKIT_API_SECRET", "")
    if not url:
        raise WorkerConfigError(
            "worker mode needs a LiveKit server: set LIVEKIT_URL (e.g. ws://localhost:7880) and "
            "LIVEKIT_API_KEY / LIVEKIT_API_SECRET, or pass --url/--api-key/--api-secret. "
            "Without a LiveKit server, use `run_agent.py serve` (embedded WebSocket transport). "
            "See docs/livekit.md."
        )
    if not url.startswith(("ws://", "wss://", "http://", "https://")):
        raise WorkerConfigError(f"LIVEKIT_URL must start with ws://, wss://, http:// or https://, got {url!r}")
    if not api_key or not api_secret:
        missing = " and ".join(
            name for name, value in (("LIVEKIT_API_KEY", api_key), ("LIVEKIT_API_SECRET", api_secret))
            if not value
        )
        raise WorkerConfigError(f"worker mode needs {missing} (the key pair of your LiveKit server)")
    return WorkerConfig(mode, url, api_key, api_secret, log_level=log_level)


def build_server(config: WorkerConfig) -> AgentServer:
    """The livekit ``AgentServer`` with our setup and entrypoint registered."""
    server = AgentServer(
        ws_url=config.url,
        api_key=config.api_key,
        api_secret=config.api_secret,
        setup_fnc=_setup_process,
        initialize_process_timeout=120.0,
    )
    server.rtc_session(_entrypoint, agent_name=config.agent_name)
    return server


def run_worker(config: WorkerConfig, settings: Settings) -> int:
    """Start the LLM (if embedded), then run the worker until interrupted."""
    from livekit.agents.cli import proto
    from livekit.agents.cli.cli import _run_worker

    server = build_server(config)
    with _shared_llm(settings):
        _run_worker(
            server,
            proto.CliArgs(
                log_level=config.log_level,
                url=config.url,
                api_key=config.api_key,
                api_secret=config.api_secret,
                log_format="colored" if config.dev else "json",
                dev=config.dev,
            ),
        )
    return 0


@contextmanager
def _shared_llm(settings: Settings) -> Iterator[None]:
    """Start the embedded LLM server in the worker process; jobs reach it by URL."""
    if settings.llm_base_url:
        yield
        return
    from simulator.llm.backend import resolve_gguf
    from simulator.llm.server import EmbeddedLLMServer

    server = EmbeddedLLMServer.shared(resolve_gguf(settings), settings.llm_threads, settings.llm_context)
    server.start_sync()
    os.environ["ROLEPLAY_LLM_BASE_URL"] = server.base_url
    os.environ["ROLEPLAY_LLM_MODEL_NAME"] = server.alias
    try:
        yield
    finally:
        server.stop_sync()


def _setup_process(proc: JobProcess) -> None:
    """Per job process: load the speech models once."""
    proc.userdata["models"] = load_speech_models(Settings())


def persona_for_job(metadata: str, room_name: str, known: set[str]) -> str:
    """The persona id from the job metadata (``{"persona": "id"}``) or the room name."""
    if metadata:
        try:
            persona = json.loads(metadata).get("persona")
        except (json.JSONDecodeError, AttributeError):
            persona = None
        if isinstance(persona, str) and persona:
            return persona
    for candidate in (room_name, room_name.split(":")[0]):
        if candidate in known:
            return candidate
    raise ValueError(
        f"room {room_name!r}: no persona; dispatch the job with metadata {{\"persona\": \"<id>\"}} "
        f"or name the room after a persona ({', '.join(sorted(known))})"
    )


async def _entrypoint(ctx: JobContext) -> None:
    settings = Settings()
    personas = load_library()
    persona_id = persona_for_job(ctx.job.metadata or "", ctx.job.room.name, set(personas.personas))
    persona = personas.get(persona_id)
    llm = LLMClient(LLMOptions(base_url=settings.llm_base_url or "", model=settings.llm_model_name,
                               api_key=settings.llm_api_key))
    build_brain = brain_factory(llm, ack_rate=settings.call_acknowledgements)
    directory = Path(settings.resolved_recordings_dir) / f"livekit-{ctx.job.id}"
    call = RoomCall(
        models=ctx.proc.userdata["models"],
        brain=build_brain(persona, StartMessage(type="start", persona=persona.id)),
        directory=directory,
        options=live_options(settings),
        session_id=ctx.job.id,
    )
    await ctx.connect()
    closed = asyncio.Event()
    call.session.on("close", lambda _event: closed.set())
    await call.start(ctx.room)
    logger.info("buyer %s joined room %s (files in %s)", persona.id, ctx.job.room.name, directory)
    try:
        await closed.wait()
    finally:
        await call.close("room_closed")
        await llm.aclose()
