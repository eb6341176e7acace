"""The live call service: what turns a validated ``start`` into a running call.

:class:`LivePipeline` is the voice backend: given a persona, a session
directory and the client's downlink it opens a :class:`LiveCall`. The web app
uses it directly (it owns persona lookup and where files go: its
``LiveBackend`` seam has exactly this ``start`` signature); the standalone
server used by ``simulate``, ``bench latency`` and the tests wraps it in
:class:`LiveSessionStarter`, which resolves the persona from a library and
puts each session in its own directory.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from personas.loader import PersonaLibrary
from personas.schema import Persona
from simulator.live.brain_port import CallBrain
from simulator.live.call import LiveCall
from simulator.live.factory import LiveOptions, SpeechModels
from simulator.transport.handler import Downlink, SessionRejected
from simulator.transport.protocol import StartMessage

logger = logging.getLogger("simulator.live")

BrainFactory = Callable[[Persona, StartMessage], CallBrain]
"""Builds the buyer brain for one call (the persona and the start message's scenario)."""


class LivePipeline:
    """Opens live calls on shared models; at most ``max_sessions`` at once (more are refused)."""

    def __init__(
        self,
        *,
        models: SpeechModels,
        brain_factory: BrainFactory,
        options: LiveOptions | None = None,
        max_sessions: int = 4,
    ) -> None:
        self.models = models
        self._brain_factory = brain_factory
        self.options = options or LiveOptions()
        self._max_sessions = max_sessions
        self._active: set[str] = set()
        self.calls: list[LiveCall] = []
        """Every call opened (the newest last); ``simulate`` and the tests read their files."""

    @property
    def active_sessions(self) -> int:
        return len(self._active)

    async def start(
        self, *, persona: Persona, session_dir: Path, start: StartMessage, downlink: Downlink
    ) -> LiveCall:
        """Open a call whose files go to ``session_dir`` (the web app's ``LiveBackend`` seam)."""
        if len(self._active) >= self._max_sessions:
            raise SessionRejected(
                f"the server is running {self._max_sessions} calls already; try again shortly"
            )
        session_id = uuid.uuid4().hex[:12]
        self._active.add(session_id)
        try:
            call = _TrackedCall(
                models=self.models,
                brain=self._brain_factory(persona, start),
                downlink=downlink,
                directory=session_dir,
                options=self.options,
                session_id=session_id,
                on_end=self._active.discard,
            )
            await call.open()
        except BaseException:
            self._active.discard(session_id)
            raise
        self.calls.append(call)
        logger.info("call %s started with persona %s in %s", session_id, persona.id, session_dir)
        return call


class LiveSessionStarter:
    """``SessionStarter`` for the standalone server: library lookup, one directory per call."""

    def __init__(
        self,
        pipeline: LivePipeline,
        personas: PersonaLibrary,
        recordings_dir: Path,
        *,
        single_directory: bool = False,
    ) -> None:
        self.pipeline = pipeline
        self._personas = personas
        self._recordings_dir = Path(recordings_dir)
        self._single = single_directory

    async def __call__(self, start: StartMessage, downlink: Downlink) -> LiveCall:
        try:
            persona = self._personas.get(start.persona)
        except KeyError as error:
            raise SessionRejected(str(error.args[0])) from None
        directory = (
            self._recordings_dir if self._single else self._recordings_dir / uuid.uuid4().hex[:12]
        )
        return await self.pipeline.start(
            persona=persona, session_dir=directory, start=start, downlink=downlink
        )


class _TrackedCall(LiveCall):
    """A LiveCall that frees its slot in the pipeline when it ends."""

    def __init__(self, *, on_end: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._on_end = on_end

    async def end(self, reason: str) -> bool:
        try:
            return await super().end(reason)
        finally:
            self._on_end(self.session_id)
