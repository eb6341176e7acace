"""The naive sequential voice loop that ``bench latency`` compares the pipeline against.

Same models, same buyer brain, same transport protocol, and none of the overlap:
wait for a fixed 700 ms of silence, transcribe the whole utterance (the
standard 30 s-window Whisper call), wait for the whole LLM reply, synthesise
the whole reply, then play it. No interim transcripts, no preemptive reply, no
acknowledgements, no barge-in. This is what a first implementation of a voice
bot looks like, and the yardstick for the latency engineering in
:mod:`simulator.live`.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from pathlib import Path

import numpy as np

from audio.tts import VoiceOptions
from personas.loader import PersonaLibrary
from audio.vad import EndpointingVad, VadOptions
from simulator.live.brain_port import CallBrain
from simulator.live.factory import OUTPUT_RATE, SpeechModels, persona_voice
from simulator.live.plugins.brain_llm import Acknowledgement, ReplyContext, event_json
from simulator.live.service import BrainFactory
from simulator.live.session_log import SessionLog, Turn, TurnMetrics
from simulator.transport import protocol
from simulator.transport.handler import Downlink, SessionRejected

logger = logging.getLogger("simulator.live.baseline")

SILENCE_WAIT_MS = 700
_FRAME = OUTPUT_RATE * protocol.FRAME_MS // 1000


class BaselineCall:
    """A ``CallSession`` running the naive loop; writes transcript, events and metrics."""

    def __init__(self, *, models: SpeechModels, brain: CallBrain, downlink: Downlink, directory: Path) -> None:
        self.session_id = uuid.uuid4().hex[:12]
        self._models = models
        self._brain = brain
        self._downlink = downlink
        self._voice: VoiceOptions = persona_voice(brain.persona)
        self._t0 = time.monotonic()
        self._log = SessionLog(directory, session_id=self.session_id, persona=brain.persona.id)
        self._vad = EndpointingVad(
            VadOptions(sample_rate=16000, frame_ms=20, onset_ms=100, silence_ms=SILENCE_WAIT_MS,
                       ignore_initial_ms=300)
        )
        self._samples = 0
        self._speech: list[np.ndarray] = []
        self._utterances: asyncio.Queue[tuple[np.ndarray, float, float]] = asyncio.Queue()
        self._segment = 0
        self._closed = False
        self._ended = False

    def now_s(self) -> float:
        return time.monotonic() - self._t0

    async def open(self) -> None:
        await self._brain.prewarm()
        opening = self._brain.opening_line()
        if opening:
            await self._play(opening, None)

    def push_audio(self, frame: bytes) -> None:
        pcm = np.frombuffer(frame, dtype=np.int16)
        first_sample = self._samples
        self._samples += pcm.size
        arrived = self.now_s() - pcm.size / 16000  # call time of this frame's first sample
        events = self._vad.push(pcm)
        if self._vad.speaking or self._speech:
            self._speech.append(pcm)
        for event in events:
            if event.kind == "start_of_speech":
                self._speech = [pcm]
            else:
                offset = arrived - first_sample / 16000
                audio = np.concatenate(self._speech)
                self._speech = []
                self._utterances.put_nowait(
                    (audio, event.turn_start / 16000 + offset, event.sample / 16000 + offset)
                )

    def on_playout(self, segment: int, position_s: float) -> None:
        """The baseline does not track client playout."""

    async def run(self) -> str:
        while True:
            audio, start_s, end_s = await self._utterances.get()
            reason = await self._answer(audio, start_s, end_s)
            if reason is not None:
                return reason

    async def _answer(self, audio: np.ndarray, start_s: float, end_s: float) -> str | None:
        heard = self.now_s()
        result = await self._models.whisper.atranscribe(audio, decoder="standard")
        transcribed = self.now_s()
        if result.no_speech:
            return None
        index = self._log.add_turn(Turn("rep", start_s, end_s, result.text))
        self._downlink.send_json(protocol.transcript_message("rep", result.text, final=True, turn=index))
        self._brain.rep_turn_committed(result.text)
        text_parts: list[str] = []
        events: list[dict] = []
        first_token: float | None = None
        async for item in self._brain.reply(result.text, ReplyContext(rep_turn=index, overlapped=False)):
            if isinstance(item, Acknowledgement):
                continue
            if isinstance(item, str):
                first_token = first_token or self.now_s()
                text_parts.append(item)
            else:
                events.append(event_json(item))
        reply = "".join(text_parts).strip()
        replied = self.now_s()
        metrics = TurnMetrics(
            rep_turn=index,
            speech_end_s=end_s,
            final_transcript_s=transcribed - end_s,
            turn_committed_s=heard - end_s,
            first_token_s=(first_token - end_s) if first_token else None,
        )
        metrics.extra["llm_done_s"] = replied - end_s
        for event in events:
            self._log.add_brain_event(event, self.now_s())
            self._downlink.send_json(protocol.event_message(event))
        if reply:
            await self._play(reply, metrics)
        if any(e.get("type") == "call_ended" for e in events):
            return next(str(e["reason"]) for e in events if e.get("type") == "call_ended")
        return None

    async def _play(self, text: str, metrics: TurnMetrics | None) -> None:
        """Synthesise the whole reply, then stream it at real time."""
        pcm = await asyncio.to_thread(self._models.piper.synthesize_all, text, self._voice, OUTPUT_RATE)
        segment, self._segment = self._segment, self._segment + 1
        start = self.now_s()
        if metrics is not None:
            metrics.extra["tts_done_s"] = start - metrics.speech_end_s
            metrics.first_audio_s = start - metrics.speech_end_s
            self._log.add_metrics(metrics)
            self._downlink.send_json(protocol.metrics_message(metrics.to_json()))
        self._brain.reply_heard()
        self._downlink.send_json(protocol.buyer_speaking_message(segment))
        clock = time.monotonic()
        for sent, offset in enumerate(range(0, pcm.size, _FRAME)):
            self._downlink.send_audio(pcm[offset : offset + _FRAME].tobytes())
            delay = clock + (sent + 1) * protocol.FRAME_MS / 1000 - 0.1 - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await asyncio.sleep(max(0.0, clock + pcm.size / OUTPUT_RATE - time.monotonic()))
        duration = pcm.size / OUTPUT_RATE
        self._downlink.send_json(protocol.buyer_stopped_message(segment, interrupted=False, position_s=duration))
        index = self._log.add_turn(Turn("buyer", start, start + duration, text))
        self._downlink.send_json(protocol.transcript_message("buyer", text, final=True, turn=index))

    async def end(self, reason: str) -> bool:
        if self._closed:
            return True
        self._closed = True
        self._log.close(duration_s=self.now_s(), complete=True, end_reason=reason)
        return True


class BaselineStarter:
    """``SessionStarter`` for the baseline server of ``bench latency``."""

    def __init__(
        self,
        models: SpeechModels,
        personas: PersonaLibrary,
        brain_factory: BrainFactory,
        recordings_dir: Path,
    ) -> None:
        self._models = models
        self._personas = personas
        self._brain_factory = brain_factory
        self._recordings_dir = Path(recordings_dir)

    async def __call__(self, start: protocol.StartMessage, downlink: Downlink) -> BaselineCall:
        try:
            persona = self._personas.get(start.persona)
        except KeyError as error:
            raise SessionRejected(str(error.args[0])) from None
        call = BaselineCall(
            models=self._models,
            brain=self._brain_factory(persona, start),
            downlink=downlink,
            directory=self._recordings_dir / uuid.uuid4().hex[:12],
        )
        await call.open()
        return call
