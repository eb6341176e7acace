"""livekit-agents VAD plugin over ``audio.vad.EndpointingVad`` (webrtcvad).

livekit's turn handling needs three things from a VAD: a start-of-speech
event, an end-of-speech event, and an ``INFERENCE_DONE`` per frame whose
``speech_duration`` drives barge-in (the buyer is paused once the rep has
spoken for ``interruption.min_duration``). webrtcvad costs microseconds per
frame, so it runs inline on the event loop.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from livekit import rtc
from livekit.agents import vad

from audio.vad import EndpointingVad, VadEvent, VadOptions
from simulator.live.turn_taking import TranscriptionGate

_RATE = 16000


class WebRtcVAD(vad.VAD):
    """Endpointing VAD; one :class:`WebRtcVADStream` per session."""

    def __init__(self, options: VadOptions | None = None, gate: TranscriptionGate | None = None) -> None:
        self._options = replace(options or VadOptions(), sample_rate=_RATE, frame_ms=20)
        self._gate = gate
        super().__init__(capabilities=vad.VADCapabilities(update_interval=self._options.frame_ms / 1000))

    @property
    def options(self) -> VadOptions:
        return self._options

    @property
    def model(self) -> str:
        return "webrtcvad"

    @property
    def provider(self) -> str:
        return "local"

    def stream(self) -> WebRtcVADStream:
        return WebRtcVADStream(self, self._options, self._gate)


class WebRtcVADStream(vad.VADStream):
    """Turns pushed 16 kHz frames into livekit VAD events.

    With a :class:`TranscriptionGate`, an end of speech is held (checked every
    frame) until the STT has finalised the utterance, then released with its
    true silence duration so livekit still knows when the speech really ended.
    """

    def __init__(self, owner: WebRtcVAD, options: VadOptions, gate: TranscriptionGate | None) -> None:
        self._detector = EndpointingVad(options)
        self._rate = options.sample_rate
        self._gate = gate
        self._speech: list[np.ndarray] = []
        self._turn_start = 0
        self._held: tuple[VadEvent, list[rtc.AudioFrame]] | None = None
        super().__init__(owner)

    async def _main_task(self) -> None:
        async for item in self._input_ch:
            if isinstance(item, vad.VADStream._FlushSentinel):
                self._detector.reset()
                self._turn_start = 0
                self._speech.clear()
                continue
            self._process(item)

    def _process(self, frame: rtc.AudioFrame) -> None:
        if frame.sample_rate != self._rate or frame.num_channels != 1:
            raise ValueError(
                f"WebRtcVAD needs mono {self._rate} Hz frames, got {frame.num_channels} ch "
                f"{frame.sample_rate} Hz"
            )
        started = time.perf_counter()
        pcm = np.frombuffer(bytes(frame.data), dtype=np.int16)
        events = self._detector.push(pcm)
        inference_s = time.perf_counter() - started
        if self._detector.speaking or any(e.kind == "end_of_speech" for e in events):
            self._speech.append(pcm.copy())
        for event in events:
            if event.kind == "start_of_speech":
                self._held = None  # the rep went on talking: that pause was not the end
                self._turn_start = event.sample
                self._speech = [pcm.copy()]
                self._event_ch.send_nowait(self._make(vad.VADEventType.START_OF_SPEECH, event.detected_at,
                                                      speech=(event.detected_at - event.sample) / self._rate,
                                                      silence=0.0, speaking=True))
            else:
                frames = [self._frame(np.concatenate(self._speech))] if self._speech else []
                self._speech = []
                self._held = (event, frames)
        position = self._detector.position
        self._release_end(position)
        if self._detector.speaking:
            speech = (position - self._turn_start) / self._rate
            silence = 0.0
        else:
            speech, silence = 0.0, 0.0
        self._event_ch.send_nowait(
            vad.VADEvent(
                type=vad.VADEventType.INFERENCE_DONE,
                samples_index=position,
                timestamp=time.time(),
                speech_duration=speech,
                silence_duration=silence,
                frames=[frame],
                probability=1.0 if self._detector.speaking else 0.0,
                inference_duration=inference_s,
                speaking=self._detector.speaking,
                raw_accumulated_speech=speech,
                raw_accumulated_silence=silence,
            )
        )

    def _release_end(self, position: int) -> None:
        """Emit a held end of speech once the transcript is final (or the hold expired)."""
        if self._held is None:
            return
        event, frames = self._held
        silence = (position - event.sample) / self._rate
        held_s = (position - event.detected_at) / self._rate
        if self._gate is not None and self._gate.pending and held_s < self._gate.max_hold_s:
            return
        self._held = None
        speech = (event.sample - event.turn_start) / self._rate
        self._event_ch.send_nowait(self._make(vad.VADEventType.END_OF_SPEECH, position,
                                              speech=speech, silence=silence, speaking=False,
                                              frames=frames))

    def _frame(self, pcm: np.ndarray) -> rtc.AudioFrame:
        return rtc.AudioFrame(pcm.tobytes(), self._rate, 1, pcm.size)

    def _make(
        self,
        kind: vad.VADEventType,
        index: int,
        *,
        speech: float,
        silence: float,
        speaking: bool,
        frames: list[rtc.AudioFrame] | None = None,
    ) -> vad.VADEvent:
        return vad.VADEvent(
            type=kind,
            samples_index=index,
            timestamp=time.time(),
            speech_duration=speech,
            silence_duration=silence,
            frames=frames or [],
            speaking=speaking,
        )
