"""Loads persona YAML files and reports every problem with file, line and field.

A trainer editing a persona needs to know *where* a problem is. PyYAML's
composed node tree keeps the line of every key and value, so each pydantic or
consistency error path (``facts[2].unlock.min_trust``) is walked down that tree
to the line it came from. One broken file never stops the others from loading:
:func:`load_library` returns the good personas and the errors side by side.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from personas.consistency import check_consistency
from personas.schema import Persona

logger = logging.getLogger("personas")

LIBRARY_DIR = Path(__file__).parent / "library"
"""The personas shipped with the project."""


@dataclass(frozen=True)
class PersonaIssue:
    """One problem in one persona file."""

    file: str
    line: int | None
    """1-based line, or None when the problem has no place (an empty file)."""
    field: str
    """Dotted path of the field, e.g. ``facts[2].unlock.min_trust``; empty for syntax errors."""
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field or '<file>'}: {self.message}"


class PersonaError(ValueError):
    """A persona file that cannot be used; ``issues`` lists every problem found."""

    def __init__(self, file: str, issues: Sequence[PersonaIssue]) -> None:
        self.file = file
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


def _field_name(path: Sequence[str | int]) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _line_of(root: yaml.Node | None, path: Sequence[str | int]) -> int | None:
    """Line of the deepest node along ``path`` (a missing key points at its parent)."""
    if root is None:
        return None
    node: yaml.Node = root
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next((pair for pair in node.value if pair[0].value == part), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _pydantic_issues(
    file: str, root: yaml.Node | None, error: ValidationError
) -> list[PersonaIssue]:
    issues = []
    for detail in error.errors():
        path = [part for part in detail["loc"] if isinstance(part, (str, int))]
        message = detail["msg"]
        if detail["type"] not in ("missing", "extra_forbidden"):
            message += f" (got {detail['input']!r})"
        issues.append(PersonaIssue(file, _line_of(root, path), _field_name(path), message))
    return issues


def load_persona_text(text: str, file: str = "<text>") -> Persona:
    """Parse and validate one persona document; raises :class:`PersonaError`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(p for p in (error.context, error.problem) if p)
        raise PersonaError(
            file, [PersonaIssue(file, line, "", f"YAML syntax: {problem}")]
        ) from None
    except yaml.YAMLError as error:
        raise PersonaError(file, [PersonaIssue(file, None, "", f"YAML: {error}")]) from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise PersonaError(
            file, [PersonaIssue(file, _line_of(root, []), "", f"expected a mapping, got {kind}")]
        )
    try:
        persona = Persona.model_validate(data)
    except ValidationError as error:
        raise PersonaError(file, _pydantic_issues(file, root, error)) from None
    problems = check_consistency(persona)
    if problems:
        raise PersonaError(
            file,
            [
                PersonaIssue(file, _line_of(root, path), _field_name(path), msg)
                for path, msg in problems
            ],
        )
    return persona


def load_persona_file(path: Path | str) -> Persona:
    """Load one ``.yaml`` persona file; raises :class:`PersonaError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PersonaError(str(path), [PersonaIssue(str(path), None, "", str(error))]) from None
    return load_persona_text(text, str(path))


@dataclass
class PersonaLibrary:
    """The personas that loaded, and the errors of the files that did not."""

    personas: dict[str, Persona] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    """Persona id -> the file it came from."""
    errors: list[PersonaError] = field(default_factory=list)

    def get(self, persona_id: str) -> Persona:
        """The persona with this id; ``KeyError`` names the known ids."""
        try:
            return self.personas[persona_id]
        except KeyError:
            known = ", ".join(sorted(self.personas)) or "none"
            raise KeyError(f"unknown persona {persona_id!r}; known: {known}") from None


def persona_files(paths: Iterable[Path | str]) -> list[Path]:
    """YAML files among ``paths``; directories contribute their ``*.yaml``/``*.yml``."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            files.append(path)
    return files


def load_library(paths: Iterable[Path | str] | None = None) -> PersonaLibrary:
    """Load every persona under ``paths`` (default: the shipped library).

    Broken files are collected in ``errors`` and logged; a later file with an
    id already loaded is an error on that file's ``id`` field.
    """
    library = PersonaLibrary()
    for path in persona_files(paths if paths is not None else [LIBRARY_DIR]):
        try:
            persona = load_persona_file(path)
        except PersonaError as error:
            logger.warning("persona file rejected:\n%s", error)
            library.errors.append(error)
            continue
        if persona.id in library.personas:
            text = path.read_text(encoding="utf-8")
            issue = PersonaIssue(
                str(path),
                _line_of(yaml.compose(text, Loader=yaml.SafeLoader), ["id"]),
                "id",
                f"duplicate persona id {persona.id!r} (already in {library.files[persona.id]})",
            )
            library.errors.append(PersonaError(str(path), [issue]))
            continue
        library.personas[persona.id] = persona
        library.files[persona.id] = path
    return library
