"""Everything a request handler needs, built once per app (no module-level globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from simulator.settings import Settings
from web.services.personas import PersonaCatalog


@dataclass
class WebState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    recordings_dir: Path
    personas: PersonaCatalog = field(default_factory=PersonaCatalog)
