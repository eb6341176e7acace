"""Deterministic reading of what was said: sentences, questions, fillers, key phrases.

Everything here works on character spans of a turn's text, so any quote the
evaluator cites is an exact substring of the turn it names (the trust rule:
a score must rest on words that were really spoken).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"'”’)]*|$)")
_CLAUSE_SPLIT = re.compile(r"[,;:—–]|\s-\s")

_FILLERS = re.compile(
    r"\b(?:u+m+|u+h+|u+h+m+|e+r+m+|er|a+h+|h+m+|mhm)\b"
    r"|(?<!\bdo )(?<!\bdid )\byou know\b(?!\s+(?:what|how|why|who|when|where|if|that|about))"
    r"|\bi mean\b|\bbasically\b|\bliterally\b|\blike,",
    re.IGNORECASE,
)

_OPEN_STARTERS = ("what", "what's", "whats", "how", "how's", "why", "who", "who's", "where",
                  "when", "which")
_PROMPT_STARTERS = ("tell me", "walk me through", "talk me through", "describe", "explain",
                    "help me understand", "share with me", "paint me a picture")
_CLOSED_STARTERS = frozenset((
    "do", "does", "did", "is", "are", "was", "were", "am", "can", "could", "would", "will",
    "should", "shall", "may", "might", "have", "has", "had", "don't", "doesn't", "didn't",
    "isn't", "aren't", "wasn't", "weren't", "can't", "couldn't", "wouldn't", "won't",
    "shouldn't", "haven't", "hasn't", "any", "anything", "anyone", "is't",
))
_LEADING_DISCOURSE = frozenset(("and", "so", "but", "or", "then", "now", "okay", "ok", "well",
                                "right", "great", "got", "sure", "also", "just", "and,"))

_BACKCHANNEL = re.compile(
    r"^(?:(?:yeah|yes|yep|right|mm-?hmm|mhm|uh-?huh|ok(?:ay)?|sure|got it|i see|totally|"
    r"exactly|true|absolutely|of course|hmm|ah|oh)[\s,.!]*){1,3}$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Span:
    """A character range ``[start, end)`` of one turn's text."""

    start: int
    end: int


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@lru_cache(maxsize=4096)
def sentence_spans(text: str) -> tuple[Span, ...]:
    """Sentences as spans with surrounding whitespace trimmed (cached: turns are re-read often)."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end and _WORD.search(text, start, end):
            spans.append(Span(start, end))
    return tuple(spans)


def is_backchannel(text: str) -> bool:
    """'Mm-hmm', 'right', 'yeah, okay': listening noises that do not take the floor."""
    return bool(_BACKCHANNEL.match(text.strip()))


def filler_count(text: str) -> int:
    return len(_FILLERS.findall(text))


def _clause_head(clause: str) -> list[str]:
    tokens = [token.lower() for token in words(clause)]
    while tokens and tokens[0] in _LEADING_DISCOURSE:
        tokens = tokens[1:]
    return tokens


def _starts_open(tokens: list[str]) -> bool:
    if not tokens:
        return False
    if tokens[0] in _OPEN_STARTERS:
        return True
    joined = " ".join(tokens[:4])
    return any(joined.startswith(prompt) for prompt in _PROMPT_STARTERS)


def question_kind(sentence: str) -> str:
    """'open' or 'closed' for a question sentence.

    The last clause that starts with a question word decides, so a preamble
    ("Got it, so how do you...?") or a trailing tag ("..., roughly?") does not
    mislead. Open questions start with what/how/why/who/where/when/which or an
    invitation (tell me, walk me through, describe); questions starting with an
    auxiliary verb, choice questions ("..., or ...?") and tag questions
    ("..., right?") are closed.
    """
    clauses = [c for c in _CLAUSE_SPLIT.split(sentence) if words(c)]
    for clause in reversed(clauses):
        raw = [token.lower() for token in words(clause)]
        tokens = _clause_head(clause)
        if raw and raw[0] == "or":
            return "closed"
        if _starts_open(tokens):
            return "open"
        if tokens and tokens[0] in _CLOSED_STARTERS:
            return "closed"
    return "closed"


def is_prompt(sentence: str) -> bool:
    """An invitation that works as an open question without a '?' ("Walk me through ...")."""
    tokens = _clause_head(sentence)
    joined = " ".join(tokens[:4])
    return any(joined.startswith(prompt) for prompt in _PROMPT_STARTERS)


def question_spans(text: str) -> list[Span]:
    """Sentences that ask: ending in '?', or an open invitation such as 'Tell me about ...'."""
    return [span for span in sentence_spans(text)
            if text[span.start:span.end].rstrip("\"'”’)").endswith("?")
            or is_prompt(text[span.start:span.end])]


def find_phrase(text: str, pattern: re.Pattern[str]) -> Span | None:
    """The sentence containing the first match of ``pattern``, as a span (for quoting)."""
    match = pattern.search(text)
    if match is None:
        return None
    for span in sentence_spans(text):
        if span.start <= match.start() < span.end:
            return span
    return Span(match.start(), match.end())


def phrases(*alternatives: str) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of the phrases at word boundaries."""
    body = "|".join(alternatives)
    return re.compile(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])", re.IGNORECASE)


def content_words(text: str) -> set[str]:
    """Lower-cased words of 4+ letters minus common function words: a crude topic signature."""
    return {w for w in (token.lower().strip("'’") for token in words(text))
            if len(w) >= 4 and w not in _STOPWORDS}


_STOPWORDS = frozenset("""
that this with have from your what about would could should there their they them then than
been were will just like really know think because into also some when where which while very
much more most only over such even well here doing does being make made want need need going
okay yeah sure right thing things something anything maybe kind sort mean actually pretty
""".split())
