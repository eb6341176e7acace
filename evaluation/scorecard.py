"""Scorecard templates: YAML written by trainers, validated with file, line and field in errors.

A template lists competencies; each has weighted criteria of three types:

* ``yes_no`` — a named check (``check: asked_implication_question``), with
  ``expect: false`` for things that should not happen (``caved_on_price``);
* ``range`` — a numeric signal mapped linearly from ``zero_at`` (0 points) to
  ``full_at`` (100 points), either direction;
* ``metric`` — a conversation metric against a threshold (``min``/``max``),
  with optional ``tolerance`` for partial credit just outside it.

Any criterion may add ``judge:`` (a rubric for the optional LLM judge). Line
numbers come from PyYAML's node marks, so an error points at the exact line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from evaluation.errors import ScorecardError
from evaluation.metrics import METRIC_KEYS
from evaluation.signals import CHECKS, SIGNALS

BUILTIN_DIR = Path(__file__).resolve().parent / "scorecards"
EXTRA_METRICS = ("question_spread",)
_ID = r"^[a-z][a-z0-9_]*$"
_TYPE_TAGS = ("yes_no", "range", "metric")


class _Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(..., pattern=_ID)
    name: str | None = None
    weight: float = Field(1.0, gt=0)
    description: str = ""
    judge: str | None = Field(None, description="Rubric for the optional LLM judge.")

    @property
    def measures(self) -> str:
        """The check, signal or metric name this criterion reads."""
        raise NotImplementedError


class YesNoCriterion(_Criterion):
    type: Literal["yes_no"]
    check: str
    expect: bool = True

    @field_validator("check")
    @classmethod
    def _known_check(cls, value: str) -> str:
        if value not in CHECKS:
            raise ValueError(f"unknown check {value!r}; known: {', '.join(sorted(CHECKS))}")
        return value

    @property
    def measures(self) -> str:
        return self.check


class RangeCriterion(_Criterion):
    type: Literal["range"]
    signal: str
    zero_at: float
    full_at: float

    @field_validator("signal")
    @classmethod
    def _known_signal(cls, value: str) -> str:
        if value not in SIGNALS:
            raise ValueError(f"unknown signal {value!r}; known: {', '.join(sorted(SIGNALS))}")
        return value

    @model_validator(mode="after")
    def _distinct_ends(self) -> RangeCriterion:
        if self.zero_at == self.full_at:
            raise ValueError("zero_at and full_at must differ")
        return self

    @property
    def measures(self) -> str:
        return self.signal


class MetricCriterion(_Criterion):
    type: Literal["metric"]
    metric: str
    min: float | None = None
    max: float | None = None
    tolerance: float = Field(0.0, ge=0)

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        known = (*METRIC_KEYS, *EXTRA_METRICS)
        if value not in known:
            raise ValueError(f"unknown metric {value!r}; known: {', '.join(known)}")
        return value

    @model_validator(mode="after")
    def _has_threshold(self) -> MetricCriterion:
        if self.min is None and self.max is None:
            raise ValueError("a metric criterion needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    @property
    def measures(self) -> str:
        return self.metric


Criterion = Annotated[YesNoCriterion | RangeCriterion | MetricCriterion,
                      Field(discriminator="type")]


class Competency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(..., pattern=_ID)
    name: str
    weight: float = Field(1.0, gt=0)
    description: str = ""
    criteria: list[Criterion] = Field(..., min_length=1)

    @field_validator("criteria")
    @classmethod
    def _unique_criteria(cls, value: list[Criterion]) -> list[Criterion]:
        ids = [c.id for c in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate criterion id(s): {', '.join(duplicates)}")
        return value


class Scorecard(BaseModel):
    """A validated template; ``source`` is the file it came from (for messages)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(..., pattern=_ID)
    name: str
    description: str = ""
    pass_mark: float = Field(..., ge=0, le=100)
    competencies: list[Competency] = Field(..., min_length=1)
    source: str = Field("<scorecard>", exclude=True)

    @field_validator("competencies")
    @classmethod
    def _unique_competencies(cls, value: list[Competency]) -> list[Competency]:
        ids = [c.id for c in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate competency id(s): {', '.join(duplicates)}")
        return value


def _to_python(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int],
               problems: list[str]) -> Any:
    """Build plain data from a YAML node, remembering the line of every path."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            if key in out:
                problems.append(f"line {key_node.start_mark.line + 1}: {_dotted(path + (key,))}: "
                                "duplicate key")
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _to_python(value_node, path + (key,), lines, problems)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), lines, problems) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def _dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _locate(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Map a pydantic error location onto the data path (dropping union tags like 'metric')."""
    path: list[Any] = []
    current = data
    tag_skipped_in: Any = None
    for part in loc:
        if isinstance(current, dict) and part == current.get("type") and part in _TYPE_TAGS \
                and tag_skipped_in is not current:
            tag_skipped_in = current  # the union tag pydantic inserts after a criterion's index
            continue
        if isinstance(current, dict) and part in current:
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and isinstance(part, str):
            path.append(part)  # a missing field: report it under its parent's line
            break
    return tuple(path)


def _line_of(path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


def parse_scorecard(text: str, *, source: str = "<scorecard>") -> Scorecard:
    """Validate template YAML text; errors read ``FILE: line N: field: problem``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ScorecardError(source, [f"{where}invalid YAML: {problem}"]) from error
    if root is None:
        raise ScorecardError(source, ["line 1: the file is empty"])
    lines: dict[tuple[Any, ...], int] = {}
    problems: list[str] = []
    data = _to_python(root, (), lines, problems)
    if not isinstance(data, dict):
        raise ScorecardError(source, ["line 1: expected a mapping with id, name, pass_mark, "
                                      "competencies"])
    if problems:
        raise ScorecardError(source, problems)
    data.pop("source", None)
    try:
        return Scorecard.model_validate({**data, "source": source})
    except ValidationError as error:
        messages = []
        for item in error.errors():
            path = _locate(data, tuple(item["loc"]))
            if item["type"].startswith("union_tag"):
                path += ("type",)
            message = item["msg"].removeprefix("Value error, ")
            messages.append(f"line {_line_of(path, lines)}: {_dotted(path)}: {message}")
        raise ScorecardError(source, messages) from error


def builtin_scorecards() -> list[str]:
    return sorted(path.stem for path in BUILTIN_DIR.glob("*.yaml"))


def load_scorecard(ref: str | os.PathLike[str] | Scorecard) -> Scorecard:
    """A scorecard by built-in id (``sdr``, ``ae``, ``am``) or by path to a YAML file."""
    if isinstance(ref, Scorecard):
        return ref
    path = Path(ref)
    if not path.is_file():
        path = BUILTIN_DIR / f"{ref}.yaml"
        if not path.is_file():
            known = ", ".join(builtin_scorecards())
            raise ScorecardError(str(ref), [
                f"no such scorecard file or built-in id (built-in: {known})"])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScorecardError(str(path), [f"cannot read the file: {error}"]) from error
    return parse_scorecard(text, source=str(path))
