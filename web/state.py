"""Everything a request handler needs, built once per app (no module-level globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from simulator.settings import Settings
from web.live import LiveBackend
from web.services.llm import LLMProvider
from web.services.personas import PersonaCatalog
from web.services.scorecards import ScorecardCatalog
from web.services.testchat import TestChats


@dataclass
class WebState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    recordings_dir: Path
    live: LiveBackend
    llm: LLMProvider
    chats: TestChats
    personas: PersonaCatalog = field(default_factory=PersonaCatalog)
    scorecards: ScorecardCatalog = field(default_factory=ScorecardCatalog)
