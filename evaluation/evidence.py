"""Evidence: a pointer into the transcript and the verbatim quote it stands for.

Analyses keep lightweight :class:`Ref` pointers (turn index plus an optional
character span); only the result layer turns them into quotes, always by
slicing the turn's own text, so every quote is an exact substring of the turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from evaluation.language import Span
from evaluation.transcript import Transcript

MAX_QUOTE_CHARS = 240


class Evidence(BaseModel):
    """What a score rests on: the turn, who spoke, when, and the exact words."""

    turn: int
    speaker: str
    start: float | None
    quote: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A turn (and optionally a span of it) that supports a finding."""

    turn: int
    span: Span | None = None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shorten a long span at a word boundary; the result is still a substring."""
    if end - start <= MAX_QUOTE_CHARS:
        return start, end
    cut = text.rfind(" ", start, start + MAX_QUOTE_CHARS)
    return start, cut if cut > start else start + MAX_QUOTE_CHARS


def to_evidence(transcript: Transcript, ref: Ref) -> Evidence:
    turn = transcript.turns[ref.turn]
    start, end = (ref.span.start, ref.span.end) if ref.span else (0, len(turn.text))
    start, end = _trim(turn.text, start, end)
    quote = turn.text[start:end].strip()
    return Evidence(turn=turn.index, speaker=turn.speaker, start=turn.start, quote=quote)


def evidence_list(transcript: Transcript, refs: list[Ref], limit: int = 5) -> list[Evidence]:
    """Distinct evidence in transcript order, at most ``limit`` items."""
    seen: set[tuple[int, int, int]] = set()
    out: list[Evidence] = []
    for ref in sorted(refs, key=lambda r: (r.turn, r.span.start if r.span else 0)):
        key = (ref.turn, ref.span.start if ref.span else -1, ref.span.end if ref.span else -1)
        if key in seen:
            continue
        seen.add(key)
        out.append(to_evidence(transcript, ref))
        if len(out) >= limit:
            break
    return out
