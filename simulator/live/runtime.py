"""Everything one process needs for live calls, built from :class:`Settings`.

``simulate``, ``bench latency``, ``worker`` and the web app all need the same
things: the speech models loaded once, an LLM endpoint (the embedded llama.cpp
server unless ``ROLEPLAY_LLM_BASE_URL`` points elsewhere), the persona
library, and a :class:`LivePipeline` that builds one buyer brain per call.
This module is the only place that reads settings for the live call.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

from personas.loader import PersonaLibrary, load_library
from personas.schema import Persona
from simulator.brain import BrainOptions, BuyerBrain
from simulator.live.acknowledgements import Acknowledgements
from simulator.live.brain_adapter import LiveBrain
from simulator.live.factory import LiveOptions, SpeechModels
from simulator.live.service import BrainFactory, LivePipeline
from simulator.live.turn_taking import TurnTakingOptions
from simulator.llm import LLMClient
from simulator.llm.backend import describe_backend, open_llm
from simulator.model_store import ModelStore
from simulator.settings import Settings
from simulator.transport.protocol import StartMessage

logger = logging.getLogger("simulator.live")

Progress = Callable[[str], None]


def live_options(settings: Settings) -> LiveOptions:
    """Turn-taking and pipeline options from settings."""
    return LiveOptions(
        turn_taking=TurnTakingOptions(
            vad_silence_ms=settings.call_endpoint_silence_ms,
            stt_endpoint_ms=min(settings.call_transcript_pause_ms, settings.call_endpoint_silence_ms),
            interruption_min_s=settings.call_barge_in_min_s,
        )
    )


def _warn_about_thread_collapse(settings: Settings) -> None:
    """llama.cpp threads stall when another busy process shares their cores."""
    cores = os.cpu_count() or 1
    if settings.llm_base_url or cores > settings.llm_threads or cores < 2:
        return
    logger.warning(
        "the embedded LLM runs %d threads on a %d-core machine that also runs speech "
        "recognition and synthesis; under that contention llama.cpp threads stall (generation "
        "fell to 0.3 tokens/s in our measurements). Set ROLEPLAY_LLM_THREADS=%d for live calls.",
        settings.llm_threads, cores, cores - 1,
    )


def load_speech_models(settings: Settings) -> SpeechModels:
    """Resolve (and if needed verify) the configured models and load them (blocking)."""
    store = ModelStore(settings.cache_dir)
    return SpeechModels.load(
        store.resolve(settings.stt_model, "whisper"), store.resolve(settings.tts_voice, "piper")
    )


def brain_factory(llm: LLMClient | None, *, ack_rate: float, seed: int | None = None) -> BrainFactory:
    """One :class:`LiveBrain` per call over a shared LLM client."""

    def build(persona: Persona, start: StartMessage) -> LiveBrain:
        brain = BuyerBrain(persona, llm, BrainOptions(seed=seed))
        acks = Acknowledgements(persona, rate=ack_rate, seed=seed) if ack_rate > 0 else None
        return LiveBrain(brain, acks)

    return build


@dataclass
class LiveRuntime:
    """Loaded models + LLM endpoint + personas + pipeline; close with :meth:`aclose`."""

    settings: Settings
    models: SpeechModels
    llm: LLMClient
    personas: PersonaLibrary
    pipeline: LivePipeline
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack, repr=False)

    @classmethod
    async def start(
        cls,
        settings: Settings,
        *,
        progress: Progress | None = None,
        max_sessions: int | None = None,
        ack_rate: float | None = None,
        seed: int | None = None,
        persona_paths: list[Path] | None = None,
    ) -> LiveRuntime:
        """Load models and start (or join) the LLM server; takes seconds to a minute."""
        report = progress or (lambda _message: None)
        report("loading Whisper and Piper")
        models = await asyncio.to_thread(load_speech_models, settings)  # seconds: off the loop
        _warn_about_thread_collapse(settings)
        report(f"connecting to the LLM: {describe_backend(settings)}")
        stack = AsyncExitStack()
        try:
            llm = await stack.enter_async_context(open_llm(settings))
            personas = await asyncio.to_thread(load_library, persona_paths)
        except BaseException:
            await stack.aclose()
            raise
        rate = settings.call_acknowledgements if ack_rate is None else ack_rate
        pipeline = LivePipeline(
            models=models,
            brain_factory=brain_factory(llm, ack_rate=rate, seed=seed),
            options=live_options(settings),
            max_sessions=max_sessions or settings.call_max_sessions,
        )
        return cls(settings, models, llm, personas, pipeline, stack)

    async def aclose(self) -> None:
        """Close the LLM client (and leave the embedded server); idempotent."""
        await self._stack.aclose()
