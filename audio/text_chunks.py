"""Cut reply text into pieces that are synthesised one at a time.

Piper's cost grows with the length of what it is given, and no audio exists
until a piece is done, so time-to-first-audio is the cost of the *first*
piece. :class:`SpeechChunker` therefore ends the first piece at the first
clause boundary (comma, semicolon, colon, dash) once it holds a few words, and
every later piece at a sentence end. It is incremental: text can arrive token
by token from an LLM, and a piece is released as soon as its end is certain.
"""

from __future__ import annotations

import re

# Sentence end: terminal punctuation (plus closing quotes/brackets) followed by
# whitespace. Without the whitespace we cannot know yet ("3.5", "...") .
_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*(?=\s)")
_CLAUSE_END = re.compile(r"(?:[,;:]|\s[-–—]{1,2})(?=\s)")
_ABBREVIATIONS = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "st.", "vs.", "e.g.", "i.e.", "approx.", "inc.", "ltd.", "co."}
)


def _word_count(text: str) -> int:
    return len(text.split())


class SpeechChunker:
    """Incremental splitter: :meth:`push` text as it arrives, :meth:`flush` at the end.

    ``first_clause_min_words``: the first piece may end at a clause boundary once
    it has this many words (fewer sounds clipped). ``max_words``: a sentence
    longer than this is cut at its last clause boundary so one piece never
    delays audio for long.
    """

    def __init__(self, first_clause_min_words: int = 3, max_words: int = 30) -> None:
        if first_clause_min_words < 1 or max_words < first_clause_min_words:
            raise ValueError("need 1 <= first_clause_min_words <= max_words")
        self._first_min = first_clause_min_words
        self._max_words = max_words
        self._buffer = ""
        self._emitted_any = False

    def push(self, text: str) -> list[str]:
        """Add text; return the pieces that are now complete."""
        self._buffer += text
        pieces: list[str] = []
        while (cut := self._next_cut()) is not None:
            piece = self._buffer[:cut].strip()
            self._buffer = self._buffer[cut:].lstrip()
            if piece:
                pieces.append(piece)
                self._emitted_any = True
        return pieces

    def flush(self) -> list[str]:
        """Return whatever is left (the last, possibly unterminated, piece) and reset."""
        piece = " ".join(self._buffer.split())
        self._buffer = ""
        self._emitted_any = False
        return [piece] if piece else []

    def _next_cut(self) -> int | None:
        """Index just past the end of the next complete piece in the buffer, if any."""
        buffer = self._buffer
        if not self._emitted_any:
            for match in _CLAUSE_END.finditer(buffer):
                if _word_count(buffer[: match.end()]) >= self._first_min:
                    sentence = self._sentence_end(buffer)
                    return min(match.end(), sentence) if sentence is not None else match.end()
        sentence = self._sentence_end(buffer)
        if sentence is not None:
            return sentence
        if _word_count(buffer) > self._max_words:
            clauses = [
                m.end()
                for m in _CLAUSE_END.finditer(buffer)
                if _word_count(buffer[: m.end()]) >= self._first_min
            ]
            if clauses:
                return clauses[-1]
        return None

    @staticmethod
    def _sentence_end(buffer: str) -> int | None:
        for match in _SENTENCE_END.finditer(buffer):
            words = buffer[: match.end()].split()
            if words and words[-1].lower() in _ABBREVIATIONS:
                continue
            return match.end()
        return None


def split_for_speech(text: str, first_clause_min_words: int = 3, max_words: int = 30) -> list[str]:
    """All pieces of a complete text (first one cut at a clause, the rest at sentences)."""
    chunker = SpeechChunker(first_clause_min_words, max_words)
    return chunker.push(text) + chunker.flush()
