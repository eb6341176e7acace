"""livekit-agents streaming STT plugin over ``audio``'s streaming faster-whisper.

The stream runs its own short endpointing (``stt_endpoint_ms``, shorter than
livekit's VAD) so the final transcript exists *before* livekit declares the
turn over; livekit then starts the buyer brain preemptively on it. While the
rep talks, ``audio.streaming_stt.SttStream`` commits segments at pauses and
re-decodes the tail for interim text, in a worker thread, so the end of the turn
leaves little to decode.

Backchannels: while the buyer is speaking (or paused by a suspected barge-in),
a final that is only "mm-hm", "right" or noise is dropped, so livekit never sees
a user turn and resumes the buyer (false interruption).

Each rep frame carries its call time in ``frame.userdata["call_t"]`` (set by the
live call), so the turn times reported to the observer are exact positions on
the recording's timeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from livekit import rtc
from livekit.agents import stt, utils
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr

from audio.streaming_stt import SttStream
from audio.stt import STT_RATE, WhisperStt
from audio.turn_assembler import StreamingOptions, SttEvent
from audio.vad import EndpointingVad, VadOptions
from simulator.live.turn_taking import TranscriptionGate, is_backchannel

logger = logging.getLogger("simulator.live.stt")

_PRE_ROLL_FRAMES = 15
"""Audio kept from before the detected onset (300 ms of 20 ms frames)."""


class TranscriptObserver(Protocol):
    """Told about every rep utterance the STT finalises (or drops)."""

    def rep_speech_started(self, at_s: float) -> None: ...

    def rep_final(self, text: str, start_s: float, end_s: float, dropped: bool) -> None: ...


@dataclass(frozen=True)
class WhisperSTTOptions:
    streaming: StreamingOptions
    endpoint: VadOptions
    """The STT's own endpointing (short silence)."""


class WhisperStreamingSTT(stt.STT):
    """Streaming STT with interim results; one model shared by every session."""

    def __init__(
        self,
        whisper: WhisperStt,
        options: WhisperSTTOptions,
        *,
        buyer_active: Callable[[], bool] = lambda: False,
        observer: TranscriptObserver | None = None,
        gate: TranscriptionGate | None = None,
    ) -> None:
        super().__init__(
            capabilities=stt.STTCapabilities(streaming=True, interim_results=True, offline_recognize=True)
        )
        self._whisper = whisper
        self._options = options
        self._buyer_active = buyer_active
        self._observer = observer
        self._gate = gate or TranscriptionGate()

    @property
    def model(self) -> str:
        return self._whisper.model_dir.name

    @property
    def provider(self) -> str:
        return "faster-whisper"

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frame = rtc.combine_audio_frames(buffer)
        pcm = np.frombuffer(bytes(frame.data), dtype=np.int16)
        result = await self._whisper.atranscribe(pcm, sample_rate=frame.sample_rate)
        return _speech_event(stt.SpeechEventType.FINAL_TRANSCRIPT, result.text)

    def stream(
        self,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> WhisperRecognizeStream:
        return WhisperRecognizeStream(self, conn_options=conn_options)


def _speech_event(kind: stt.SpeechEventType, text: str) -> stt.SpeechEvent:
    return stt.SpeechEvent(
        type=kind, alternatives=[stt.SpeechData(language="en", text=text, confidence=1.0)]
    )


class WhisperRecognizeStream(stt.RecognizeStream):
    """One session's rep audio -> start/interim/final/end-of-speech events."""

    def __init__(self, owner: WhisperStreamingSTT, *, conn_options: APIConnectOptions) -> None:
        super().__init__(stt=owner, conn_options=conn_options, sample_rate=STT_RATE)
        self._owner = owner
        self._turn_times: dict[int, tuple[float, float]] = {}

    async def _run(self) -> None:
        owner = self._owner
        detector = EndpointingVad(owner._options.endpoint)
        stream = SttStream(owner._whisper, owner._options.streaming)
        pre_roll: deque[np.ndarray] = deque(maxlen=_PRE_ROLL_FRAMES)
        pump = asyncio.create_task(self._pump(stream), name="stt-events")
        finals: set[asyncio.Task[SttEvent]] = set()
        turn = 0
        samples = 0
        start_s = 0.0
        try:
            async for item in self._input_ch:
                if isinstance(item, stt.RecognizeStream._FlushSentinel):
                    continue
                pcm = np.frombuffer(bytes(item.data), dtype=np.int16)
                frame_t = float(item.userdata.get("call_t", samples / STT_RATE))
                samples += pcm.size
                events = detector.push(pcm)
                if detector.speaking and not any(e.kind == "start_of_speech" for e in events):
                    stream.push(pcm)
                for event in events:
                    offset_s = (event.sample - (samples - pcm.size)) / STT_RATE
                    if event.kind == "start_of_speech":
                        pre_roll.append(pcm)
                        stream.push(np.concatenate(pre_roll))
                        pre_roll.clear()
                        start_s = frame_t + offset_s
                        owner._gate.utterance_opened()
                        if owner._observer is not None:
                            owner._observer.rep_speech_started(start_s)
                        self._event_ch.send_nowait(stt.SpeechEvent(type=stt.SpeechEventType.START_OF_SPEECH))
                    else:
                        self._turn_times[turn] = (start_s, frame_t + offset_s)
                        turn += 1
                        task = asyncio.create_task(stream.end_turn(), name="stt-final")
                        finals.add(task)
                        task.add_done_callback(finals.discard)
                if not detector.speaking and not events:
                    pre_roll.append(pcm)
            for event in detector.flush():
                self._turn_times[turn] = (start_s, event.time_s)
                await stream.end_turn()
        finally:
            for task in list(finals):
                with contextlib.suppress(Exception):
                    await task
            await stream.aclose()
            with contextlib.suppress(asyncio.CancelledError):
                await pump

    async def _pump(self, stream: SttStream) -> None:
        """Forward the STT stream's events as livekit speech events."""
        async for event in stream:
            if event.kind == "interim":
                if event.text:
                    self._event_ch.send_nowait(
                        _speech_event(stt.SpeechEventType.INTERIM_TRANSCRIPT, event.text)
                    )
                continue
            start_s, end_s = self._turn_times.pop(event.turn, (0.0, 0.0))
            dropped = self._owner._buyer_active() and is_backchannel(event.text, end_s - start_s)
            logger.debug("rep utterance %.2f-%.2f s final%s: %r", start_s, end_s,
                         " (dropped: backchannel over the buyer)" if dropped else "", event.text)
            if self._owner._observer is not None and event.text:
                self._owner._observer.rep_final(event.text, start_s, end_s, dropped)
            if event.text and not dropped:
                # times stay out of SpeechData: livekit would read them as stream-relative
                self._event_ch.send_nowait(
                    _speech_event(stt.SpeechEventType.FINAL_TRANSCRIPT, event.text)
                )
            elif dropped:
                logger.info("dropped backchannel while the buyer speaks: %r", event.text)
            self._event_ch.send_nowait(stt.SpeechEvent(type=stt.SpeechEventType.END_OF_SPEECH))
            # after the final is queued: the VAD may now release its end-of-speech
            self._owner._gate.utterance_finalised()
