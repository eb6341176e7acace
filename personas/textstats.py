"""Word and sentence counts shared by persona validation and the reply guardrails.

Both sides must count the same way, or an authored fallback line that passed
validation could fail the guardrails it is meant to satisfy.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9$€£%][\w'’$€£%.,-]*")
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(]?[A-Z0-9]|\s*$)")
_ABBREVIATION = re.compile(
    r"\b(?:mr|mrs|ms|dr|st|vs|etc|inc|ltd|e\.g|i\.e|approx)\.$", re.IGNORECASE
)


def count_words(text: str) -> int:
    """Spoken words; numbers and prices such as ``$80k`` count as one."""
    return len(_WORD.findall(text))


def count_sentences(text: str) -> int:
    """Sentences, counting a trailing fragment without end punctuation as one."""
    return len(split_sentences(text))


def split_sentences(text: str) -> list[str]:
    """Sentences with their end punctuation; abbreviations like ``Mr.`` do not end one."""
    sentences: list[str] = []
    start = 0
    stripped = text.strip()
    for match in _SENTENCE_END.finditer(stripped):
        candidate = stripped[start : match.end()]
        if _ABBREVIATION.search(candidate):
            continue
        if count_words(candidate):
            sentences.append(candidate.strip())
        start = match.end()
    tail = stripped[start:].strip()
    if count_words(tail):
        sentences.append(tail)
    return sentences


def contains_phrase(text: str, phrase: str) -> bool:
    """Case-insensitive match of ``phrase`` on word boundaries (``$80k`` in ``about $80k.``)."""
    pattern = r"(?<![\w])" + re.escape(phrase.lower()) + r"(?![\w])"
    return re.search(pattern, text.lower()) is not None
