"""Run the alembic migrations programmatically (the server does it on every start).

No ``alembic.ini`` is needed: the script location is this package's
``migrations`` folder and the URL comes from settings. Developers create a new
revision with ``alembic -x url=sqlite:///x.db -c /dev/null revision
--autogenerate`` style tooling or by hand; see ``docs/web.md``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An alembic config bound to ``engine`` (env.py reuses its connection)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> str:
    """Bring the database to the newest revision; returns that revision id."""
    config = alembic_config(engine)
    alembic_logger = logging.getLogger("alembic")
    if not alembic_logger.isEnabledFor(logging.DEBUG):
        alembic_logger.setLevel(logging.WARNING)  # "Context impl SQLiteImpl" on every start is noise
    command.upgrade(config, "head")
    return head_revision(engine)


def head_revision(engine: Engine) -> str:
    """The newest revision the code knows about."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
