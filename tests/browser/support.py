"""Helpers shared by the web tests: real synthesized sessions and seeded accounts.

``write_session`` speaks a scripted conversation with the real Piper voice (rep
and buyer in different pitches), lays the two voices on the left and right
channels of a 16 kHz stereo WAV at the times the transcript states, and writes
the session files in the live call's layout. The web app then ingests and
scores them through the same code path a live call uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

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


# --- seeded accounts ------------------------------------------------------------

PASSWORD = "correct-horse-7"
ACCOUNTS: dict[str, tuple[str, str | None]] = {
    # user name -> (role, team)
    "admin": ("admin", None),
    "maria": ("manager", None),
    "walt": ("manager", None),
    "rob": ("rep", "East"),
    "rita": ("rep", "East"),
    "wes": ("rep", "West"),
    "tara": ("trainer", None),
}
TEAM_MANAGERS = {"East": "maria", "West": "walt"}


def seed_accounts(db: Any) -> dict[str, int]:
    """Create the accounts and teams above; returns user name -> id."""
    from web.db.models import Role
    from web.services.accounts import create_team, create_user

    ids: dict[str, int] = {}
    for name, (role, _) in ACCOUNTS.items():
        if role in ("admin", "manager"):
            ids[name] = create_user(db, name, PASSWORD, Role(role), display_name=name.title()).id
    teams = {team: create_team(db, team, ids[manager]).id for team, manager in TEAM_MANAGERS.items()}
    for name, (role, team) in ACCOUNTS.items():
        if name not in ids:
            ids[name] = create_user(
                db, name, PASSWORD, Role(role), display_name=name.title(), team_id=teams.get(team or "")
            ).id
    return ids


def import_session(
    sessions: Any, recordings_dir: Path, template: Path, username: str, persona_id: str
) -> str:
    """Copy a session dir into the recordings dir as a new call of ``username``; ingest and score it."""
    import shutil

    from sqlalchemy import select

    from web.db.models import User
    from web.services.calls import ingest, new_call, session_path
    from web.services.personas import PersonaCatalog
    from web.services.scorecards import ScorecardCatalog

    catalog = ScorecardCatalog()
    with sessions() as db:
        user = db.scalar(select(User).where(User.username == username))
        persona = PersonaCatalog().get(db, persona_id)
        call = new_call(db, user, persona_id, persona.persona.name, scorecard_id="sdr")
        shutil.copytree(template, session_path(recordings_dir, call))
        ingest(db, call, recordings_dir, catalog.score)
        return call.id


# --- app + signed-in clients for API tests -------------------------------------------


@dataclass
class World:
    """A running app (in-process) with seeded accounts and one scored session per rep."""

    app: Any
    ids: dict[str, int]
    calls: dict[str, str]
    portal: Any
    """The event loop of the app's lifespan; every client runs on it, as under uvicorn."""

    @property
    def state(self) -> Any:
        return self.app.state.web

    def client(self, username: str | None = None) -> Any:
        """A TestClient signed in as ``username`` (CSRF header set), or anonymous."""
        from fastapi.testclient import TestClient

        client = TestClient(self.app)
        client.portal = self.portal
        if username is not None:
            response = client.post("/api/auth/signin", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client


def shared_template(tmp_path_factory: pytest.TempPathFactory, voice_path: Path) -> Path:
    """The scripted discovery call spoken by the real Piper voice, synthesized once per test run."""
    directory = tmp_path_factory.getbasetemp() / "web-session-template"
    if not (directory / "transcript.json").is_file():
        synthesize_session(PiperTts(voice_path), directory, "busy-exec-cold-call", DISCOVERY_CALL)
    return directory


@pytest.fixture(scope="module")
def web_settings(settings: Any) -> Any:
    """Settings the ``world`` app runs with; a module overrides this to point at an LLM."""
    return settings


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, piper_voice_path: Path, web_settings: Any) -> Iterator[World]:
    """An app on a fresh database with the seeded accounts and a scored session per rep."""
    from fastapi.testclient import TestClient

    from web.app import create_app

    template = shared_template(tmp_path_factory, piper_voice_path)
    app = create_app(web_settings.with_overrides(data_dir=tmp_path_factory.mktemp("web")))
    with TestClient(app) as lifespan:  # runs the lifespan: migrations
        state = app.state.web
        with state.sessions() as db:
            ids = seed_accounts(db)
        calls = {
            rep: import_session(state.sessions, state.recordings_dir, template, rep, "busy-exec-cold-call")
            for rep in ("rob", "rita", "wes")
        }
        yield World(app, ids, calls, lifespan.portal)
