"""Personas for the web app: the shipped YAML library plus trainer-authored ones.

Built-in personas are read from ``personas/library`` once; custom personas live
in the database as the YAML the trainer wrote, validated by the same loader
(``personas.loader.load_persona_text``) so an error message names the same
line and field whether the YAML came from a file or from the editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from personas import LIBRARY_DIR, Persona, PersonaError, load_library, load_persona_text
from web.db.models import CustomPersona


@dataclass(frozen=True)
class PersonaEntry:
    """One persona and where it came from."""

    persona: Persona
    source: str  # "library" (read-only YAML file) or "custom" (database)
    yaml_text: str

    @property
    def id(self) -> str:
        return self.persona.id

    def card(self) -> dict[str, Any]:
        """What a rep sees in the scenario picker (no hidden facts or objections)."""
        p = self.persona
        return {
            "id": p.id,
            "name": p.name,
            "title": p.title,
            "company": p.company.name,
            "industry": p.company.industry,
            "company_size": p.company.size,
            "scenario": p.scenario,
            "difficulty": p.difficulty,
            "role_fit": list(p.role_fit),
            "skills": list(p.skills),
            "brief": p.brief,
            "seller_offering": p.seller_offering,
            "style": p.personality.style,
            "source": self.source,
        }


def issues_as_dicts(error: PersonaError) -> list[dict[str, Any]]:
    """Loader issues as JSON for the editor (line, field, message)."""
    return [{"line": i.line, "field": i.field, "message": i.message} for i in error.issues]


class PersonaCatalog:
    """Looks personas up by id across the library and the database."""

    def __init__(self, library_dirs: list[Path] | None = None) -> None:
        self._dirs = library_dirs or [LIBRARY_DIR]
        self._builtin: dict[str, PersonaEntry] | None = None

    def builtin(self) -> dict[str, PersonaEntry]:
        """The shipped personas (loaded once; broken files are logged by the loader)."""
        if self._builtin is None:
            library = load_library(self._dirs)
            self._builtin = {
                pid: PersonaEntry(p, "library", library.files[pid].read_text(encoding="utf-8"))
                for pid, p in library.personas.items()
            }
        return self._builtin

    def all(self, db: Session) -> list[PersonaEntry]:
        """Every usable persona, built-ins first; custom rows that no longer load are skipped."""
        entries = dict(self.builtin())
        for row in db.scalars(select(CustomPersona).order_by(CustomPersona.id)):
            if row.id in entries:
                continue
            try:
                persona = load_persona_text(row.yaml_text, row.id)
                entries[row.id] = PersonaEntry(persona, "custom", row.yaml_text)
            except PersonaError:
                continue
        return list(entries.values())

    def get(self, db: Session, persona_id: str) -> PersonaEntry | None:
        """The persona with this id, or None."""
        if persona_id in self.builtin():
            return self.builtin()[persona_id]
        row = db.get(CustomPersona, persona_id)
        if row is None:
            return None
        try:
            return PersonaEntry(load_persona_text(row.yaml_text, row.id), "custom", row.yaml_text)
        except PersonaError:
            return None

    @staticmethod
    def validate(text: str) -> Persona:
        """Parse editor text; raises ``PersonaError`` with every issue."""
        return load_persona_text(text, "editor")
