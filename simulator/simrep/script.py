"""Rep scripts for the simulated rep: a YAML list of lines to say.

Format (documented in ``docs/call-protocol.md``)::

    - "Hi Dana, this is Sam from Acme. Is now a bad time?"
    - say: "What does your team use for scheduling today?"
      pause_before_s: 1.5        # wait this long after the buyer stops (default 0.4)
    - say: "Sorry to cut in, but what would that cost you?"
      barge_in_after_s: 1.0      # start this long after the buyer STARTS replying

A plain string is a line with the defaults. ``barge_in_after_s`` makes the
rep talk over the buyer's reply to the previous line (a deliberate barge-in);
without it the rep waits for the buyer to finish, as a person would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ScriptError(ValueError):
    """A rep script that cannot be used; the message names the file, line and field."""


class RepLine(BaseModel):
    """One thing the rep says."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    say: str = Field(..., min_length=1, max_length=1000, description="The words to speak.")
    pause_before_s: float = Field(
        0.4, ge=0, le=60, description="Silence after the buyer stops before speaking."
    )
    barge_in_after_s: float | None = Field(
        None, ge=0, le=60, description="Speak this long after the buyer starts replying."
    )


@dataclass(frozen=True)
class RepScript:
    lines: tuple[RepLine, ...]
    source: str = "<script>"


def parse_script(text: str, source: str = "<script>") -> RepScript:
    """Parse and validate a script; errors say where (``file:line``) and what was expected."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ScriptError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") from None
    if not isinstance(data, list) or not data:
        raise ScriptError(f"{source}: a rep script is a non-empty YAML list of lines")
    lines: list[RepLine] = []
    for index, item in enumerate(data):
        line_no = root.value[index].start_mark.line + 1 if root is not None else index + 1
        if isinstance(item, str):
            item = {"say": item}
        if not isinstance(item, dict):
            raise ScriptError(
                f"{source}:{line_no}: line {index + 1} must be a string or a mapping with 'say', "
                f"got {type(item).__name__}"
            )
        try:
            lines.append(RepLine.model_validate(item))
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'line'}: {e['msg']}" for e in error.errors()
            )
            raise ScriptError(f"{source}:{line_no}: line {index + 1}: {problems}") from None
    return RepScript(tuple(lines), source)


def load_script(path: Path | str) -> RepScript:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScriptError(f"{path}: cannot read rep script: {error.strerror}") from None
    return parse_script(text, str(path))
