"""Helpers shared by the web tests: real synthesized sessions and seeded accounts.

``write_session`` speaks a scripted conversation with the real Piper voice (rep
and buyer in different pitches), lays the two voices on the left and right
channels of a 16 kHz stereo WAV at the times the transcript states, and writes
the session files in the live call's layout. The web app then ingests and
scores them through the same code path a live call uses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from audio import PiperTts, VoiceOptions, write_wav

RATE = 16_000
REP_VOICE = VoiceOptions(pitch_semitones=-3.0, length_scale=1.0)
BUYER_VOICE = VoiceOptions(pitch_semitones=2.0, length_scale=0.95)
GAP_S = 0.45


@dataclass(frozen=True)
class Line:
    speaker: str  # "rep" or "buyer"
    text: str
    events: tuple[dict[str, Any], ...] = ()
    """Buyer-brain events caused by this (rep) line; ``turn`` is filled in."""


DISCOVERY_CALL: tuple[Line, ...] = (
    Line("buyer", "Dana Whitfield."),
    Line("rep", "Hi Dana, this is Sam from RouteWise. I know I'm calling out of the blue, do you have thirty seconds?",
         ({"type": "trust_changed", "trust": 29, "delta": 4, "reason": "permission_ask"},)),
    Line("buyer", "Thirty seconds. Go."),
    Line("rep", "Thanks. How are on-time deliveries looking for your customers this quarter?",
         ({"type": "trust_changed", "trust": 35, "delta": 6, "reason": "good_open_question"},)),
    Line("buyer", "Honestly, about nine percent miss the delivery window, and it is costing us renewals.",
         ()),
    Line("rep", "That sounds painful. What happens when a big customer gets a late delivery?",
         ({"type": "fact_revealed", "fact": "late_deliveries", "category": "pain"},)),
    Line("buyer", "We lost a grocery account last spring over it. I do not want to lose another."),
    Line("rep", "Would a twenty minute call with your dispatch lead next week make sense to look at that?"),
    Line("buyer", "Fine. Send an invite for Tuesday."),
)


def synthesize_session(tts: PiperTts, directory: Path, persona: str, lines: Sequence[Line]) -> dict[str, Any]:
    """Write recording.wav, transcript.json, events.json and metrics.json; return the transcript."""
    directory.mkdir(parents=True, exist_ok=True)
    clips = [
        tts.synthesize_all(line.text, REP_VOICE if line.speaker == "rep" else BUYER_VOICE, RATE)
        for line in lines
    ]
    total = int((sum(c.size for c in clips) / RATE + GAP_S * (len(lines) + 1)) * RATE)
    stereo = np.zeros((total, 2), dtype=np.int16)
    turns, events, cursor = [], [], GAP_S
    for index, (line, clip) in enumerate(zip(lines, clips, strict=True)):
        start = int(cursor * RATE)
        channel = 0 if line.speaker == "rep" else 1
        stereo[start:start + clip.size, channel] = clip
        end = cursor + clip.size / RATE
        turns.append({"speaker": line.speaker, "start": round(cursor, 3), "end": round(end, 3), "text": line.text})
        for event in line.events:
            events.append({**event, "turn": index})
        cursor = end + GAP_S
    write_wav(directory / "recording.wav", stereo, RATE)
    transcript = {"version": 1, "persona": persona, "duration_s": round(total / RATE, 3),
                  "turns": turns, "events": events, "complete": True}
    timed_events = [{**e, "t": turns[e["turn"]]["end"]} for e in events]
    (directory / "transcript.json").write_text(json.dumps(transcript, indent=1))
    (directory / "events.json").write_text(json.dumps(
        {"version": 1, "complete": True, "events": timed_events, "timeline": []}, indent=1))
    (directory / "metrics.json").write_text(json.dumps({"version": 1, "complete": True, "turns": []}))
    return transcript
