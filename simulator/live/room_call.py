"""One practice call in a LiveKit room (worker mode): same session, room audio.

The session comes from the same :func:`~simulator.live.factory.build_session`
as the embedded call; only the I/O differs: livekit's RoomIO carries the rep's
microphone in and the buyer's voice out (16 kHz mono, 20 ms frames, so our
VAD and STT see what they see in the embedded transport; turn times count from
the first microphone frame). The call writes the
same ``transcript.json``, ``events.json`` and ``metrics.json``; the audio
itself is not recorded here (LiveKit Egress records rooms).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from livekit import rtc
from livekit.agents import AgentSession, room_io
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    ConversationItemAddedEvent,
    UserStateChangedEvent,
)

from simulator.live.brain_port import CallBrain
from simulator.live.factory import LiveOptions, SpeechModels, build_session, persona_voice
from simulator.live.metrics import Generation, LatencyTracker
from simulator.live.plugins.brain_llm import ReplyContext
from simulator.live.session_log import SessionLog, Turn
from simulator.live.turn_taking import CommitWatch

logger = logging.getLogger("simulator.live.room")

ROOM_RATE = 16000


class RoomCall:
    """The buyer in one LiveKit room; files go to ``directory``."""

    def __init__(self, *, models: SpeechModels, brain: CallBrain, directory: Path, options: LiveOptions,
                 session_id: str) -> None:
        self.session_id = session_id
        self._brain = brain
        self._t0 = time.monotonic()
        self._log = SessionLog(directory, session_id=session_id, persona=brain.persona.id)
        self._tracker = LatencyTracker(self.now_s, self._log.add_metrics)
        self._overlap = False
        self._commits = CommitWatch()
        self._last_rep_turn: int | None = None
        self._agent_speaking_since: float | None = None
        self._speaking_generation: Generation | None = None
        self._parts = build_session(
            models,
            voice=persona_voice(brain.persona),
            reply_source=brain.reply,
            reply_context=self._reply_context,
            tracker=self._tracker,
            options=options,
            buyer_active=lambda: self.session.agent_state == "speaking",
            observer=self._tracker,
        )

    @property
    def session(self) -> AgentSession:
        return self._parts.session

    def now_s(self) -> float:
        return time.monotonic() - self._t0

    async def start(self, room: rtc.Room) -> None:
        session = self.session
        session.on("conversation_item_added", self._on_item_added)
        session.on("agent_state_changed", self._on_agent_state)
        session.on("user_state_changed", self._on_user_state)
        await session.start(
            agent=self._parts.agent,
            room=room,
            room_options=room_io.RoomOptions(
                audio_input=room_io.AudioInputOptions(sample_rate=ROOM_RATE, frame_size_ms=20),
                audio_output=room_io.AudioOutputOptions(sample_rate=ROOM_RATE),
            ),
            record=False,
        )
        await self._brain.prewarm()
        opening = self._brain.opening_line()
        if opening:
            session.say(opening)

    async def close(self, reason: str) -> None:
        self._tracker.reply_finished()
        self._log.close(duration_s=self.now_s(), complete=True, end_reason=reason)

    def _reply_context(self) -> ReplyContext:
        speculative = self._tracker.pending_span() is not None
        return ReplyContext(
            rep_turn=len(self._log.turns),
            overlapped=self._overlap,
            until_committed=self._commits.next_commit() if speculative else None,
        )

    def _on_agent_state(self, event: AgentStateChangedEvent) -> None:
        if event.new_state == "speaking":
            self._agent_speaking_since = self.now_s()
            generation = self._tracker.playing_generation()
            if generation is not None and (generation.published or generation.cancelled):
                generation = None
            self._tracker.buyer_audio_started(generation)
            self._speaking_generation = generation
            if generation is not None:
                self._brain.reply_heard()
                self._publish(generation)
        elif event.old_state == "speaking":
            if self._speaking_generation is not None:
                self._publish(self._speaking_generation)  # events recorded while it was worded
                self._speaking_generation = None
            self._tracker.reply_finished()

    def _publish(self, generation: Generation) -> None:
        for event_json in generation.publish(self._last_rep_turn):
            self._log.add_brain_event(event_json, self.now_s())

    def _on_user_state(self, event: UserStateChangedEvent) -> None:
        if event.new_state != "speaking":
            return
        if self._tracker.pending_span() is None:
            self._overlap = False  # a new rep turn (a dropped backchannel left none behind)
        if self.session.agent_state == "speaking":
            self._overlap = True

    def _on_item_added(self, event: ConversationItemAddedEvent) -> None:
        item = event.item
        if getattr(item, "type", None) != "message" or item.role not in ("user", "assistant"):
            return
        text = (item.text_content or "").strip()
        if not text:
            return
        now = self.now_s()
        if item.role == "user":
            start, end = self._tracker.pending_span() or (now, now)
            self._last_rep_turn = self._log.add_turn(Turn("rep", start, end, text))
            self._tracker.turn_committed(self._last_rep_turn)
            self._brain.rep_turn_committed(text)
            self._commits.committed()
            self._overlap = False
            return
        start = self._agent_speaking_since if self._agent_speaking_since is not None else now
        if item.interrupted:
            self._brain.buyer_interrupted(text)
        self._log.add_turn(Turn("buyer", start, now, text, True if item.interrupted else None))
