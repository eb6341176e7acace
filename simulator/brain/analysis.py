"""Deterministic analysis of one rep utterance: questions, topics, signals.

Small LLMs cannot be trusted to judge a sales conversation, so the decisions
the buyer takes rest on rules that are fast, explainable and testable: the
question type, the topics touched and the signals of
:data:`personas.vocabulary.SIGNALS` that the persona rules refer to. The LLM
may refine the result (:mod:`simulator.brain.classifier`) but never replaces it.
Signals that depend on the buyer's state (an ignored concern, a pushy close)
are added by :mod:`simulator.brain.state`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from personas.textstats import count_words, split_sentences
from personas.vocabulary import QUESTION_RANK
from simulator.brain import lexicon as lx

_TOPIC_PATTERNS = {topic: lx.compile_any(phrases) for topic, phrases in lx.TOPIC_PHRASES.items()}
_ACK = lx.compile_any(lx.ACKNOWLEDGEMENT)
_EMPATHY = lx.compile_any(lx.EMPATHY)
_SUMMARY = lx.compile_any(lx.SUMMARY)
_PITCH = lx.compile_any(lx.PITCH)
_CLOSE = lx.compile_any(lx.CLOSE_ATTEMPT)
_INJECTION = lx.compile_any(lx.INJECTION)
_GREETING = re.compile("|".join(lx.GREETING), re.IGNORECASE)
_PERMISSION = lx.compile_any(lx.PERMISSION_ASK)
_REASON = lx.compile_any(lx.REASON_FOR_CALL)
_SOCIAL = lx.compile_any(lx.SOCIAL_PROOF)
_ROI_WORDS = lx.compile_any(lx.ROI_WORDS)
_NUMBER = re.compile(lx.NUMBER, re.IGNORECASE)
_DISCOUNT = lx.compile_any(lx.DISCOUNT)
_PILOT = lx.compile_any(lx.PILOT)
_GOODBYE = lx.compile_any(lx.GOODBYE)
_OPEN_START = re.compile(r"^(?:" + "|".join(lx.OPEN_STARTS) + r")\b", re.IGNORECASE)
_OPEN_INSIDE = lx.compile_any(lx.OPEN_INSIDE)
_IMPERATIVE_START = re.compile(
    r"^(?:tell me|walk me through|talk me through|describe|explain|help me understand)\b",
    re.IGNORECASE,
)
_CLOSED_START = re.compile(r"^(?:" + "|".join(lx.CLOSED_STARTS) + r")\b", re.IGNORECASE)
_PROBING = lx.compile_any(lx.PROBING)
_LEAD_IN = re.compile(lx.LEAD_INS, re.IGNORECASE)
_CONTENT_WORD = re.compile(r"[a-z][a-z'-]{3,}")

_PITCH_MARKERS_FOR_PITCH = 2
"""A turn with this many product claims is a pitch whatever its length."""
_PITCH_WORDS_WITH_ONE_MARKER = 25
"""A single product claim is a pitch only in a turn longer than this."""
_LISTENING_MAX_WORDS = 40


@dataclass(frozen=True)
class Question:
    text: str
    kind: str
    """``open``, ``probing`` or ``closed``."""


@dataclass
class UtteranceAnalysis:
    """What the rep did in one turn, in the persona rules' vocabulary."""

    text: str
    words: int
    sentences: int
    questions: list[Question] = field(default_factory=list)
    topics: set[str] = field(default_factory=set)
    signals: set[str] = field(default_factory=set)

    @property
    def question_quality(self) -> str:
        """Best question asked: ``none``, ``closed``, ``open`` or ``probing``."""
        if not self.questions:
            return "none"
        return max((q.kind for q in self.questions), key=QUESTION_RANK.__getitem__)

    def meets_question(self, required: str) -> bool:
        """True when the best question is at least ``required`` (``any`` always holds)."""
        if required == "any":
            return True
        quality = self.question_quality
        return quality != "none" and QUESTION_RANK[quality] >= QUESTION_RANK[required]

    def has(self, condition: str) -> bool:
        """A persona condition: a signal name or ``topic:<name>``."""
        if condition.startswith("topic:"):
            return condition.removeprefix("topic:") in self.topics
        return condition in self.signals

    def matches_keywords(self, keywords: list[str]) -> bool:
        """Any persona-specific keyword present (word start, case-insensitive)."""
        return (
            bool(keywords)
            and lx.compile_any(tuple(map(re.escape, keywords))).search(self.text) is not None
        )


def _content_words(text: str) -> set[str]:
    return {w for w in _CONTENT_WORD.findall(text.lower()) if w not in lx.STOPWORDS}


def _question_kind(sentence: str, buyer_words: set[str]) -> str | None:
    """``open``/``probing``/``closed`` for a question sentence, None for a statement."""
    body = sentence.strip().strip("\"'")
    while (stripped := _LEAD_IN.sub("", body)) != body:
        body = stripped
    is_question = body.endswith("?") or bool(_IMPERATIVE_START.match(body))
    if not is_question:
        return None
    opened = _OPEN_START.match(body) or _OPEN_INSIDE.search(body)
    if _CLOSED_START.match(body) and not _OPEN_INSIDE.search(body):
        opened = None
    either_or = re.search(r"\bor\b", body, re.IGNORECASE) and not opened
    if not opened or either_or:
        return "closed"
    if _PROBING.search(body) or len(_content_words(body) & buyer_words) >= 2:
        return "probing"
    return "open"


_JOINED_QUESTION = re.compile(
    r",?\s+(?:and|or)\s+(?=(?:what|how|why|who|when|where|do|does|are|is|can|could)\b)",
    re.IGNORECASE,
)


def _split_joined_questions(sentence: str) -> list[str]:
    """ "What do you use today, and how happy are you with it?" is two questions."""
    parts = _JOINED_QUESTION.split(sentence)
    if len(parts) > 1 and sentence.rstrip().endswith("?"):
        parts = [part if part.rstrip().endswith("?") else part.rstrip() + "?" for part in parts]
    return parts


def analyze(
    text: str,
    *,
    last_buyer_text: str = "",
    monologue_words: int = 70,
    overlapped: bool = False,
) -> UtteranceAnalysis:
    """Analyse one rep turn; ``last_buyer_text`` lets follow-up questions count as probing."""
    sentences = split_sentences(text)
    buyer_words = _content_words(last_buyer_text)
    result = UtteranceAnalysis(text=text, words=count_words(text), sentences=len(sentences))
    for sentence in sentences:
        for part in _split_joined_questions(sentence):
            kind = _question_kind(part, buyer_words)
            if kind:
                result.questions.append(Question(part, kind))
    result.topics = {topic for topic, pattern in _TOPIC_PATTERNS.items() if pattern.search(text)}
    result.signals = _signals(text, result, buyer_words, monologue_words, overlapped)
    return result


def _signals(
    text: str,
    result: UtteranceAnalysis,
    buyer_words: set[str],
    monologue_words: int,
    overlapped: bool,
) -> set[str]:
    signals: set[str] = set()
    if result.questions:
        signals.add(f"{result.question_quality}_question")
        if result.question_quality == "probing":
            signals.add("open_question")
    if len(result.questions) >= 2:
        signals.add("stacked_questions")
    checks = {
        "acknowledgement": _ACK,
        "empathy": _EMPATHY,
        "summary": _SUMMARY,
        "close_attempt": _CLOSE,
        "injection": _INJECTION,
        "greeting": _GREETING,
        "permission_ask": _PERMISSION,
        "reason_for_call": _REASON,
        "social_proof": _SOCIAL,
        "offers_discount": _DISCOUNT,
        "offers_pilot": _PILOT,
    }
    signals.update(name for name, pattern in checks.items() if pattern.search(text))
    pitch_markers = len(_PITCH.findall(text))
    if pitch_markers >= _PITCH_MARKERS_FOR_PITCH or (
        pitch_markers and result.words > _PITCH_WORDS_WITH_ONE_MARKER
    ):
        signals.add("pitch")
    if result.words > monologue_words:
        signals.add("monologue")
    if _NUMBER.search(text) and _ROI_WORDS.search(text):
        signals.add("roi_evidence")
    if _GOODBYE.search(text) and not result.questions:
        signals.add("goodbye")
    if overlapped:
        signals.add("talk_over")
    references_buyer = len(_content_words(text) & buyer_words) >= 2
    if (
        (references_buyer or "summary" in signals)
        and result.words <= _LISTENING_MAX_WORDS
        and "pitch" not in signals
    ):
        signals.add("good_listening")
    return signals
