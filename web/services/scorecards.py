"""Scorecard templates for the web app: the evaluator's built-ins plus trainer-authored ones.

Validation is the evaluator's own parser (``evaluation.scorecard.parse_scorecard``),
so the editor shows exactly the errors ``run_agent.py score`` would, each split
into line, field and message for the editor's gutter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from evaluation import Scorecard, ScorecardError, builtin_scorecards, load_scorecard, parse_scorecard, score
from evaluation.scorecard import BUILTIN_DIR
from web.db.models import ScorecardTemplate

DEFAULT_SCORECARD = "ae"
ROLE_SCORECARDS = {"SDR": "sdr", "AE": "ae", "AM": "am"}
_PROBLEM = re.compile(r"^line (?P<line>\d+): (?:(?P<field>[^:]+): )?(?P<message>.*)$", re.S)


@dataclass(frozen=True)
class ScorecardEntry:
    scorecard: Scorecard
    source: str  # "builtin" or "custom"
    yaml_text: str

    @property
    def id(self) -> str:
        return self.scorecard.id

    def summary(self) -> dict[str, Any]:
        card = self.scorecard
        return {
            "id": card.id,
            "name": card.name,
            "description": card.description,
            "pass_mark": card.pass_mark,
            "competencies": [
                {"id": c.id, "name": c.name, "weight": c.weight, "criteria": len(c.criteria)}
                for c in card.competencies
            ],
            "source": self.source,
        }


def issues_of(error: ScorecardError) -> list[dict[str, Any]]:
    """``line N: field: message`` problems as objects for the editor."""
    issues = []
    for problem in error.problems:
        match = _PROBLEM.match(problem)
        if match:
            issues.append(
                {"line": int(match["line"]), "field": match["field"] or "", "message": match["message"]}
            )
        else:
            issues.append({"line": None, "field": "", "message": problem})
    return issues


class ScorecardCatalog:
    """Finds templates by id across the evaluator's built-ins and the database."""

    def __init__(self) -> None:
        self._builtin: dict[str, ScorecardEntry] | None = None

    def builtin(self) -> dict[str, ScorecardEntry]:
        if self._builtin is None:
            self._builtin = {
                sid: ScorecardEntry(
                    load_scorecard(sid), "builtin", (BUILTIN_DIR / f"{sid}.yaml").read_text(encoding="utf-8")
                )
                for sid in builtin_scorecards()
            }
        return self._builtin

    def all(self, db: Session) -> list[ScorecardEntry]:
        entries = dict(self.builtin())
        for row in db.scalars(select(ScorecardTemplate).order_by(ScorecardTemplate.id)):
            if row.id not in entries:
                try:
                    entries[row.id] = ScorecardEntry(parse_scorecard(row.yaml_text, source=row.id), "custom", row.yaml_text)
                except ScorecardError:
                    continue
        return list(entries.values())

    def get(self, db: Session, scorecard_id: str) -> ScorecardEntry | None:
        if scorecard_id in self.builtin():
            return self.builtin()[scorecard_id]
        row = db.get(ScorecardTemplate, scorecard_id)
        if row is None:
            return None
        try:
            return ScorecardEntry(parse_scorecard(row.yaml_text, source=row.id), "custom", row.yaml_text)
        except ScorecardError:
            return None

    def exists(self, db: Session, scorecard_id: str) -> bool:
        return self.get(db, scorecard_id) is not None

    @staticmethod
    def validate(text: str) -> Scorecard:
        """Parse editor text; raises ``ScorecardError`` listing every problem."""
        return parse_scorecard(text, source="editor")

    def default_for(self, role_fit: list[str]) -> str:
        """The built-in template matching the persona's first role (SDR, AE, AM)."""
        for role in role_fit:
            sid = ROLE_SCORECARDS.get(role)
            if sid in self.builtin():
                return sid
        return DEFAULT_SCORECARD

    def score(self, db: Session, transcript: dict[str, Any], scorecard_id: str | None) -> dict[str, Any]:
        """Score a transcript with a template id (the evaluator's JSON shape)."""
        entry = self.get(db, scorecard_id or DEFAULT_SCORECARD)
        if entry is None:
            raise ScorecardError(scorecard_id or DEFAULT_SCORECARD, ["no such scorecard template"])
        return score(transcript, entry.scorecard).model_dump(mode="json")
