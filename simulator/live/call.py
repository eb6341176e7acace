"""One practice call over the embedded transport: livekit session + files + protocol.

:class:`LiveCall` is the :class:`~simulator.transport.handler.CallSession` the
WebSocket handler drives. It owns the call clock (seconds since the ``start``
message), feeds rep frames to the recording and the session, turns session
events into protocol messages and transcript turns, publishes brain events
when the reply that carries them starts playing, reacts to rep silence as the
persona would, and ends the call when either side hangs up.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from livekit.agents.voice.events import (
    AgentFalseInterruptionEvent,
    CloseEvent,
    ConversationItemAddedEvent,
    UserInputTranscribedEvent,
    UserStateChangedEvent,
)
from livekit.agents.voice.transcription.synchronizer import TranscriptSynchronizer

from simulator.live.brain_port import CallBrain
from simulator.live.factory import LiveOptions, SpeechModels, build_session, persona_voice
from simulator.live.io import BuyerTextOutput, PacedAudioOutput, QueueAudioInput
from simulator.live.metrics import Generation, LatencyTracker
from simulator.live.plugins.brain_llm import ReplyContext
from simulator.live.recording import CallRecording
from simulator.live.session_log import SessionLog, Turn, TurnMetrics
from simulator.live.turn_taking import CommitWatch
from simulator.transport import protocol
from simulator.transport.handler import Downlink

logger = logging.getLogger("simulator.live.call")

_SILENCE_CHECK_S = 0.25
_HANG_UP_PAUSE_S = 0.4
"""Beat of silence after the buyer's last words before the line goes dead."""


@dataclass
class _SegmentSpan:
    start_s: float | None = None
    end_s: float | None = None


class LiveCall:
    """A call in progress; build with :meth:`open`."""

    def __init__(
        self,
        *,
        models: SpeechModels,
        brain: CallBrain,
        downlink: Downlink,
        directory: Path,
        options: LiveOptions,
        session_id: str | None = None,
    ) -> None:
        self.session_id = session_id or uuid.uuid4().hex[:12]
        self.directory = Path(directory)
        self.persona = brain.persona
        self._brain = brain
        self._downlink = downlink
        self._t0 = time.monotonic()
        self._log = SessionLog(self.directory, session_id=self.session_id, persona=self.persona.id)
        self._recording = CallRecording(self.directory)
        self._tracker = LatencyTracker(self.now_s, self._on_metrics)
        self._input = QueueAudioInput()
        self._output = PacedAudioOutput(self, self.now_s, lead_s=options.output_lead_s)
        self._text = BuyerTextOutput(self._on_buyer_text)
        self._parts = build_session(
            models,
            voice=persona_voice(self.persona),
            reply_source=brain.reply,
            reply_context=self._reply_context,
            tracker=self._tracker,
            options=options,
            buyer_active=lambda: self._output.active,
            observer=self._tracker,
        )
        self._segments: dict[int, _SegmentSpan] = {}
        self._last_finished: _SegmentSpan | None = None
        self._segment_generation: dict[int, Generation | None] = {}
        self._overlap = False
        self._commits = CommitWatch()
        self._last_rep_turn: int | None = None
        self._end_after_segment: str | None = None
        self._ended: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._silence_prompts = 0
        self._prompting = False
        self._playout: dict[int, float] = {}
        self._tasks: list[asyncio.Task[Any]] = []
        self._call_ended_logged = False
        self._closed = False
        self._complete = False

    # --- clock ---------------------------------------------------------------
    def now_s(self) -> float:
        """Seconds since the call started (the recording's timeline)."""
        return time.monotonic() - self._t0

    # --- lifecycle -----------------------------------------------------------
    async def open(self) -> None:
        """Start the livekit session, warm the brain, say the opening line."""
        session = self._parts.session
        sync = TranscriptSynchronizer(next_in_chain_audio=self._output, next_in_chain_text=self._text)
        session.input.audio = self._input
        session.output.audio = sync.audio_output
        session.output.transcription = sync.text_output
        session.on("conversation_item_added", self._on_item_added)
        session.on("user_input_transcribed", self._on_user_transcribed)
        session.on("user_state_changed", self._on_user_state)
        session.on("agent_false_interruption", self._on_false_interruption)
        session.on("close", self._on_session_close)
        await session.start(agent=self._parts.agent, record=False)
        # warm the LLM prompt cache and synthesise the stock phrases while the opening
        # line plays and the rep starts talking (a cold prompt can take seconds)
        self._tasks.append(asyncio.create_task(self._prewarm(), name="call-prewarm"))
        opening = self._brain.opening_line()
        if opening:
            session.say(opening)
        self._tasks.append(asyncio.create_task(self._watch_silence(), name="call-silence"))

    async def _prewarm(self) -> None:
        # side by side: the LLM evaluates the prompt in its own process while Piper
        # synthesises in a worker thread; one after the other, the first reply could
        # queue behind a prompt that is still being evaluated
        results = await asyncio.gather(
            self._brain.prewarm(),
            self._parts.tts.prewarm_phrases(self._brain.phrases()),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, Exception):
                logger.error("session %s: pre-warm failed (replies will be slower)",
                             self.session_id, exc_info=result)

    async def run(self) -> str:
        """Wait until the buyer ends the call (the handler races this against the client)."""
        return await asyncio.shield(self._ended)

    async def end(self, reason: str) -> bool:
        """Stop everything and write the final files; idempotent."""
        if self._closed:
            return self._complete
        self._closed = True
        if reason == "rep_ended" and not self._call_ended_logged:
            self._add_event({"type": "call_ended", "turn": self._last_rep_turn, "reason": "rep_ended"})
        for task in self._tasks:
            task.cancel()
        self._tracker.reply_finished()
        self._input.close()
        try:
            await asyncio.wait_for(self._parts.session.aclose(), timeout=10)
        except Exception:
            logger.exception("session %s did not close cleanly", self.session_id)
        await self._output.aclose()
        self._recording.close()
        self._complete = True
        self._log.close(duration_s=max(self.now_s(), self._recording.duration_s), complete=True,
                        end_reason=reason)
        if not self._ended.done():
            self._ended.set_result(reason)
        return True

    # --- transport -> call -----------------------------------------------------
    def push_audio(self, frame: bytes) -> None:
        pcm = np.frombuffer(frame, dtype=np.int16)
        call_t = self._recording.write_rep(pcm, self.now_s())
        self._input.push(frame, call_t)

    def on_playout(self, segment: int, position_s: float) -> None:
        self._playout[segment] = position_s

    # --- playback sink (PacedAudioOutput) --------------------------------------
    def segment_started(self, segment: int) -> None:
        self._segments[segment] = _SegmentSpan()
        self._downlink.send_json(protocol.buyer_speaking_message(segment))
        generation = self._tracker.playing_generation()
        if generation is not None and (generation.published or generation.cancelled):
            generation = None
        self._segment_generation[segment] = generation
        self._tracker.buyer_audio_started(generation)
        if generation is not None:
            self._brain.reply_heard()
            self._publish(generation)

    def segment_resumed(self, segment: int) -> None:
        self._downlink.send_json(protocol.buyer_speaking_message(segment))
        self._log.add_session_event("buyer_resumed", self.now_s(), segment=segment)

    def send_frame(self, segment: int, pcm: bytes) -> None:
        self._downlink.send_audio(pcm)

    def clear(self, segment: int) -> None:
        self._downlink.send_json(protocol.clear_message(segment))
        self._log.add_session_event("buyer_cleared", self.now_s(), segment=segment)

    def played(self, segment: int, pcm: np.ndarray, at_s: float) -> None:
        self._recording.write_buyer(pcm, at_s)
        span = self._segments.get(segment)
        if span is not None:
            if span.start_s is None:
                span.start_s = at_s
            span.end_s = max(span.end_s or 0.0, at_s + pcm.size / 16000)

    def segment_finished(self, segment: int, position_s: float, interrupted: bool) -> None:
        self._downlink.send_json(
            protocol.buyer_stopped_message(segment, interrupted=interrupted, position_s=position_s)
        )
        self._last_finished = self._segments.pop(segment, _SegmentSpan())
        generation = self._segment_generation.pop(segment, None)
        if generation is not None:
            self._publish(generation)  # events recorded while the reply was being worded
        self._tracker.reply_finished()
        self._log.add_session_event(
            "buyer_stopped", self.now_s(), segment=segment, interrupted=interrupted,
            position_s=round(position_s, 3), client_position_s=self._playout.pop(segment, None),
        )
        if self._end_after_segment is not None and not self._ended.done():
            reason = self._end_after_segment
            asyncio.get_running_loop().call_later(_HANG_UP_PAUSE_S, self._finish_call, reason)

    def _finish_call(self, reason: str) -> None:
        if not self._ended.done():
            self._ended.set_result(reason)

    # --- session events ----------------------------------------------------------
    def _on_item_added(self, event: ConversationItemAddedEvent) -> None:
        item = event.item
        if getattr(item, "type", None) != "message" or item.role not in ("user", "assistant"):
            return
        text = (item.text_content or "").strip()
        if item.role == "user":
            span = self._tracker.pending_span() or (self.now_s(), self.now_s())
            index = self._log.add_turn(Turn("rep", span[0], span[1], text))
            self._last_rep_turn = index
            self._tracker.turn_committed(index)
            self._brain.rep_turn_committed(text)
            self._commits.committed()
            self._overlap = False
            self._silence_prompts = 0
            self._downlink.send_json(protocol.transcript_message("rep", text, final=True, turn=index))
            return
        if not text:
            return
        segment = self._last_finished or _SegmentSpan()
        start = segment.start_s if segment.start_s is not None else self.now_s()
        end = segment.end_s if segment.end_s is not None else start
        interrupted = True if item.interrupted else None
        if interrupted:
            self._brain.buyer_interrupted(text)
        index = self._log.add_turn(Turn("buyer", start, end, text, interrupted))
        self._downlink.send_json(protocol.transcript_message("buyer", text, final=True, turn=index))

    def _on_user_transcribed(self, event: UserInputTranscribedEvent) -> None:
        if not event.is_final and event.transcript:
            self._downlink.send_json(
                protocol.transcript_message("rep", event.transcript, final=False, turn=None)
            )

    def _on_buyer_text(self, text: str) -> None:
        self._tracker.buyer_words_played(text)
        self._downlink.send_json(protocol.transcript_message("buyer", text, final=False, turn=None))

    def _on_user_state(self, event: UserStateChangedEvent) -> None:
        if event.new_state != "speaking":
            return
        if self._tracker.pending_span() is None:
            # the first words of a new rep turn: a backchannel dropped over the buyer's
            # last reply left no turn behind, so it must not mark this one as talking over
            self._overlap = False
        if self._output.active:
            self._overlap = True
            self._log.add_session_event("rep_over_buyer", self.now_s())

    def _on_false_interruption(self, event: AgentFalseInterruptionEvent) -> None:
        self._log.add_session_event("false_interruption", self.now_s(), resumed=event.resumed)

    def _on_session_close(self, event: CloseEvent) -> None:
        if not self._closed and not self._ended.done():
            logger.warning("session %s closed by livekit: %s", self.session_id, event.reason)
            self._ended.set_result("session_closed")

    # --- brain -----------------------------------------------------------------------
    def _reply_context(self) -> ReplyContext:
        speculative = self._tracker.pending_span() is not None  # the turn is not committed yet
        return ReplyContext(
            rep_turn=len(self._log.turns),
            overlapped=self._overlap,
            until_committed=self._commits.next_commit() if speculative else None,
        )

    def _publish(self, generation: Generation) -> None:
        """The reply is being heard: its events become part of the record."""
        for event in generation.publish(self._last_rep_turn):
            self._add_event(event)

    def _add_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "call_ended":
            if self._call_ended_logged:
                return
            self._call_ended_logged = True
        self._log.add_brain_event(event, self.now_s())
        self._downlink.send_json(protocol.event_message(event))
        if event.get("type") == "call_ended" and event.get("reason") != "rep_ended":
            self._end_after_segment = str(event.get("reason"))
            if not self._output.active:
                asyncio.get_running_loop().call_later(
                    _HANG_UP_PAUSE_S, self._finish_call, self._end_after_segment
                )

    def _on_metrics(self, metrics: TurnMetrics) -> None:
        self._log.add_metrics(metrics)
        self._downlink.send_json(protocol.metrics_message(metrics.to_json()))

    # --- silence ---------------------------------------------------------------------
    async def _watch_silence(self) -> None:
        """Let the buyer react to a silent rep the way the persona would.

        The silence clock runs while nobody speaks and no reply is on its way; the
        buyer's own silence prompt does not reset it, so a rep who stays mute
        after being prompted is hung up on (the brain decides when, per persona).
        """
        session = self._parts.session
        quiet_since = time.monotonic()
        while True:
            await asyncio.sleep(_SILENCE_CHECK_S)
            now = time.monotonic()
            busy = (
                (self._output.active and not self._prompting)
                or session.user_state == "speaking"
                or session.agent_state == "thinking"
                or self._tracker.pending_span() is not None
                or self._end_after_segment is not None
            )
            if busy:
                quiet_since = now
                self._prompting = False
                continue
            if self._output.active:
                continue  # the prompt itself is playing
            reaction = self._brain.on_silence(now - quiet_since, self._silence_prompts)
            if reaction is None:
                continue
            self._silence_prompts += 1
            self._log.add_session_event("silence_prompt", self.now_s(),
                                        silent_s=round(now - quiet_since, 2), end_call=reaction.end_call)
            for event in reaction.events:
                self._add_event(event)
            if reaction.text:
                self._prompting = True
                session.say(reaction.text)
            if reaction.end_call and self._end_after_segment is None:
                self._end_after_segment = "buyer_ended"
                if not reaction.text:
                    self._finish_call("buyer_ended")
