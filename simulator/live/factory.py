"""One factory for the voice session, whichever transport carries the audio.

:class:`SpeechModels` holds what is expensive to load (Whisper, the Piper
voice) once per process; :func:`build_session` wires a fresh
``AgentSession`` around them for one call: our VAD, streaming STT and
streaming TTS plugins, the buyer brain as the LLM step, and the turn-taking
policy. The embedded WebSocket call (:mod:`simulator.live.call`) and the
LiveKit worker (:mod:`simulator.live.worker`) both call it; they differ only
in where the session's audio input and output come from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from livekit.agents import Agent, AgentSession

from audio.stt import SttOptions, WhisperStt
from audio.tts import PiperTts, VoiceOptions
from audio.turn_assembler import StreamingOptions
from personas.schema import Persona
from simulator.live.metrics import LatencyTracker
from simulator.live.plugins.brain_llm import BuyerBrainLLM, ReplyContext, ReplySource
from simulator.live.plugins.stt import TranscriptObserver, WhisperStreamingSTT, WhisperSTTOptions
from simulator.live.plugins.tts import PiperStreamingTTS, TTSOptions
from simulator.live.plugins.vad import WebRtcVAD
from simulator.live.turn_taking import TranscriptionGate, TurnTakingOptions

logger = logging.getLogger("simulator.live")

OUTPUT_RATE = 16000


@dataclass
class SpeechModels:
    """Loaded speech models, shared by every session in the process."""

    whisper: WhisperStt
    piper: PiperTts

    @classmethod
    def load(cls, whisper_dir: Path, piper_voice: Path, *, stt_threads: int = 2) -> SpeechModels:
        """Load and warm up both models (seconds; do it once at startup)."""
        whisper = WhisperStt(whisper_dir, SttOptions(cpu_threads=stt_threads))
        piper = PiperTts(piper_voice, sample_rate=OUTPUT_RATE)
        return cls(whisper=whisper, piper=piper)


@dataclass(frozen=True)
class LiveOptions:
    """Per-session tuning; the defaults are what ``docs/latency.md`` measured."""

    turn_taking: TurnTakingOptions = field(default_factory=TurnTakingOptions)
    streaming: StreamingOptions = field(
        default_factory=lambda: StreamingOptions(pause_ms=240, interim_every_s=0.8)
    )
    output_lead_s: float = 0.1
    """How far buyer audio is sent ahead of the play clock (client jitter cushion)."""


def persona_voice(persona: Persona) -> VoiceOptions:
    """The persona's Piper settings as the audio layer's options."""
    voice = persona.voice
    return VoiceOptions(
        length_scale=voice.length_scale,
        noise_scale=voice.noise_scale,
        noise_w=voice.noise_w,
        volume=voice.volume,
        pitch_semitones=voice.pitch_semitones,
    )


@dataclass
class SessionParts:
    """The session and the plugin instances the caller may need to talk to."""

    session: AgentSession
    agent: Agent
    stt: WhisperStreamingSTT
    tts: PiperStreamingTTS
    llm: BuyerBrainLLM
    vad: WebRtcVAD


def build_session(
    models: SpeechModels,
    *,
    voice: VoiceOptions,
    reply_source: ReplySource,
    reply_context: Callable[[], ReplyContext],
    tracker: LatencyTracker,
    options: LiveOptions,
    buyer_active: Callable[[], bool],
    observer: TranscriptObserver | None = None,
) -> SessionParts:
    """A ready-to-start ``AgentSession`` for one call (the caller sets its I/O and starts it)."""
    turn_taking = options.turn_taking
    gate = TranscriptionGate(max_hold_s=turn_taking.transcript_hold_s)
    vad = WebRtcVAD(turn_taking.vad_options(), gate=gate)
    stt = WhisperStreamingSTT(
        models.whisper,
        WhisperSTTOptions(streaming=options.streaming, endpoint=turn_taking.stt_endpoint_options()),
        buyer_active=buyer_active,
        observer=observer,
        gate=gate,
    )
    tts = PiperStreamingTTS(models.piper, TTSOptions(voice=voice, sample_rate=OUTPUT_RATE))
    llm = BuyerBrainLLM(reply_source, tracker, reply_context)
    session: AgentSession = AgentSession(
        stt=stt,
        vad=vad,
        llm=llm,
        tts=tts,
        turn_handling=turn_taking.livekit_turn_handling(),  # type: ignore[arg-type]
        aec_warmup_duration=None,
        user_away_timeout=None,
        tts_text_transforms=None,
        min_consecutive_speech_delay=0.0,
    )
    agent = Agent(instructions="The buyer brain builds its own prompts.")
    return SessionParts(session=session, agent=agent, stt=stt, tts=tts, llm=llm, vad=vad)
