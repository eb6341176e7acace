"""Personas: the rep's scenario picker, and the trainer's editor (YAML with live validation).

Reps only ever receive persona *cards*; the YAML (hidden facts, objection
rules) goes to trainers and admins only, since seeing it would spoil the call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, UploadFile, status
from pydantic import BaseModel, StringConstraints
from sqlalchemy import or_, select

from personas import PersonaError
from web.api.deps import Author, CurrentUser, Db, State
from web.api.schemas import Strict
from web.db.models import Assignment, CustomPersona, utcnow
from web.services.personas import PersonaEntry, issues_as_dicts

router = APIRouter(prefix="/api", tags=["personas"])

MAX_YAML_CHARS = 200_000
PersonaId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
YamlText = Annotated[str, StringConstraints(max_length=MAX_YAML_CHARS)]


class YamlIn(Strict):
    yaml: YamlText


class Issue(BaseModel):
    line: int | None
    field: str
    message: str


class Validation(BaseModel):
    valid: bool
    issues: list[Issue]
    card: dict[str, Any] | None


class PersonaOut(BaseModel):
    id: str
    source: str
    editable: bool
    yaml: str
    card: dict[str, Any]


class AssignmentBrief(BaseModel):
    id: int
    scorecard_id: str | None
    note: str
    due: datetime | None


class Scenario(BaseModel):
    card: dict[str, Any]
    assignments: list[AssignmentBrief]


def _validate(state: State, text: str) -> Validation:
    try:
        persona = state.personas.validate(text)
    except PersonaError as error:
        return Validation(valid=False, issues=[Issue(**i) for i in issues_as_dicts(error)], card=None)
    return Validation(valid=True, issues=[], card=PersonaEntry(persona, "custom", text).card())


def _checked(state: State, text: str) -> dict[str, Any]:
    """The card of valid persona text; 422 with every issue otherwise."""
    result = _validate(state, text)
    if result.card is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {"message": "the persona has errors", "issues": [i.model_dump() for i in result.issues]},
        )
    return result.card


@router.get("/scenarios", response_model=list[Scenario])
def scenarios(user: CurrentUser, db: Db, state: State) -> list[Scenario]:
    """Persona cards for the picker; the ones assigned to this user (or their team) first."""
    assigned: dict[str, list[AssignmentBrief]] = {}
    query = select(Assignment).where(
        or_(Assignment.rep_id == user.id, Assignment.team_id == user.team_id)
        if user.team_id is not None
        else Assignment.rep_id == user.id
    )
    for row in db.scalars(query.order_by(Assignment.due)):
        assigned.setdefault(row.persona_id, []).append(
            AssignmentBrief(id=row.id, scorecard_id=row.scorecard_id, note=row.note, due=row.due)
        )
    cards = [Scenario(card=e.card(), assignments=assigned.get(e.id, [])) for e in state.personas.all(db)]
    order = {"easy": 0, "medium": 1, "hard": 2}
    cards.sort(key=lambda s: (not s.assignments, order.get(s.card["difficulty"], 3), s.card["name"]))
    return cards


@router.get("/personas", response_model=list[PersonaOut])
def list_personas(_: Author, db: Db, state: State) -> list[PersonaOut]:
    """Every persona with its YAML (trainers and admins)."""
    return [
        PersonaOut(id=e.id, source=e.source, editable=e.source == "custom", yaml=e.yaml_text, card=e.card())
        for e in state.personas.all(db)
    ]


@router.get("/personas/{persona_id}", response_model=PersonaOut)
def get_persona(persona_id: PersonaId, _: Author, db: Db, state: State) -> PersonaOut:
    entry = state.personas.get(db, persona_id)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no persona {persona_id!r}")
    return PersonaOut(
        id=entry.id, source=entry.source, editable=entry.source == "custom",
        yaml=entry.yaml_text, card=entry.card(),
    )


@router.post("/personas/validate", response_model=Validation)
def validate_persona(body: YamlIn, _: Author, state: State) -> Validation:
    """Check editor text; every problem comes back with its line and field."""
    return _validate(state, body.yaml)


def _create(db: Db, state: State, text: str, author_id: int) -> PersonaOut:
    card = _checked(state, text)
    if state.personas.get(db, card["id"]) is not None or db.get(CustomPersona, card["id"]):
        raise HTTPException(status.HTTP_409_CONFLICT, f"a persona with id {card['id']!r} exists")
    db.add(CustomPersona(id=card["id"], yaml_text=text, author_id=author_id))
    db.commit()
    return PersonaOut(id=card["id"], source="custom", editable=True, yaml=text, card={**card})


@router.post("/personas", response_model=PersonaOut, status_code=201)
def create_persona(body: YamlIn, user: Author, db: Db, state: State) -> PersonaOut:
    """Save a new persona (its id comes from the YAML)."""
    return _create(db, state, body.yaml, user.id)


@router.post("/personas/import", response_model=PersonaOut, status_code=201)
async def import_persona(file: UploadFile, user: Author, db: Db, state: State) -> PersonaOut:
    """Upload a persona ``.yaml`` file (at most 200 kB)."""
    data = await file.read(MAX_YAML_CHARS + 1)
    if len(data) > MAX_YAML_CHARS:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"persona files are limited to {MAX_YAML_CHARS} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the file is not UTF-8 text") from None
    return _create(db, state, text, user.id)


@router.put("/personas/{persona_id}", response_model=PersonaOut)
def update_persona(persona_id: PersonaId, body: YamlIn, user: Author, db: Db, state: State) -> PersonaOut:
    """Replace a custom persona's YAML (built-in personas are read-only)."""
    row = db.get(CustomPersona, persona_id)
    if row is None:
        if persona_id in state.personas.builtin():
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                "built-in personas are read-only; save a copy under a new id instead",
            )
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no persona {persona_id!r}")
    card = _checked(state, body.yaml)
    if card["id"] != persona_id:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"the YAML's id is {card['id']!r} but this is {persona_id!r}; create a new persona to change the id",
        )
    row.yaml_text, row.author_id, row.updated_at = body.yaml, user.id, utcnow()
    db.commit()
    return PersonaOut(id=persona_id, source="custom", editable=True, yaml=body.yaml, card=card)


@router.delete("/personas/{persona_id}", status_code=204)
def delete_persona(persona_id: PersonaId, _: Author, db: Db) -> None:
    """Delete a custom persona (past sessions keep their transcripts)."""
    row = db.get(CustomPersona, persona_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no custom persona {persona_id!r}")
    db.delete(row)
    db.commit()
