"""Scorecard templates: list for everyone, edit (YAML with live validation) for trainers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, StringConstraints

from evaluation import ScorecardError
from web.api.deps import Author, CurrentUser, Db, State
from web.api.personas import Issue, YamlIn
from web.db.models import ScorecardTemplate, utcnow
from web.services.scorecards import ScorecardEntry, issues_of

router = APIRouter(prefix="/api/scorecards", tags=["scorecards"])

TemplateId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class TemplateSummary(BaseModel):
    id: str
    name: str
    description: str
    pass_mark: float
    competencies: list[dict[str, Any]]
    source: str


class TemplateOut(TemplateSummary):
    yaml: str
    editable: bool


class TemplateValidation(BaseModel):
    valid: bool
    issues: list[Issue]
    summary: TemplateSummary | None


def _out(entry: ScorecardEntry) -> TemplateOut:
    return TemplateOut(**entry.summary(), yaml=entry.yaml_text, editable=entry.source == "custom")


def _validate(state: State, text: str) -> TemplateValidation:
    try:
        card = state.scorecards.validate(text)
    except ScorecardError as error:
        return TemplateValidation(valid=False, issues=[Issue(**i) for i in issues_of(error)], summary=None)
    summary = ScorecardEntry(card, "custom", text).summary()
    return TemplateValidation(valid=True, issues=[], summary=TemplateSummary(**summary))


def _checked(state: State, text: str) -> TemplateSummary:
    result = _validate(state, text)
    if result.summary is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {"message": "the template has errors", "issues": [i.model_dump() for i in result.issues]},
        )
    return result.summary


@router.get("", response_model=list[TemplateSummary])
def list_templates(_: CurrentUser, db: Db, state: State) -> list[TemplateSummary]:
    """Every usable template (built-in and custom)."""
    return [TemplateSummary(**e.summary()) for e in state.scorecards.all(db)]


@router.get("/{template_id}", response_model=TemplateOut)
def get_template(template_id: TemplateId, _: Author, db: Db, state: State) -> TemplateOut:
    entry = state.scorecards.get(db, template_id)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no scorecard template {template_id!r}")
    return _out(entry)


@router.post("/validate", response_model=TemplateValidation)
def validate_template(body: YamlIn, _: Author, state: State) -> TemplateValidation:
    """Check editor text; every problem comes back with its line and field."""
    return _validate(state, body.yaml)


@router.post("", response_model=TemplateOut, status_code=201)
def create_template(body: YamlIn, user: Author, db: Db, state: State) -> TemplateOut:
    """Save a new template (its id comes from the YAML)."""
    summary = _checked(state, body.yaml)
    if state.scorecards.exists(db, summary.id) or db.get(ScorecardTemplate, summary.id):
        raise HTTPException(status.HTTP_409_CONFLICT, f"a template with id {summary.id!r} exists")
    db.add(ScorecardTemplate(id=summary.id, yaml_text=body.yaml, author_id=user.id))
    db.commit()
    return TemplateOut(**{**summary.model_dump(), "source": "custom"}, yaml=body.yaml, editable=True)


@router.put("/{template_id}", response_model=TemplateOut)
def update_template(
    template_id: TemplateId, body: YamlIn, user: Author, db: Db, state: State
) -> TemplateOut:
    """Replace a custom template's YAML (built-ins are read-only)."""
    row = db.get(ScorecardTemplate, template_id)
    if row is None:
        if template_id in state.scorecards.builtin():
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                "built-in templates are read-only; save a copy under a new id instead",
            )
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no scorecard template {template_id!r}")
    summary = _checked(state, body.yaml)
    if summary.id != template_id:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"the YAML's id is {summary.id!r} but this is {template_id!r}",
        )
    row.yaml_text, row.author_id, row.updated_at = body.yaml, user.id, utcnow()
    db.commit()
    return TemplateOut(**{**summary.model_dump(), "source": "custom"}, yaml=body.yaml, editable=True)


@router.delete("/{template_id}", status_code=204)
def delete_template(template_id: TemplateId, _: Author, db: Db) -> None:
    row = db.get(ScorecardTemplate, template_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no custom template {template_id!r}")
    db.delete(row)
    db.commit()
