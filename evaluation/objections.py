"""Objection handling: find each objection and score the rep's reply on LAER(C).

Objections come from the buyer brain's events in a simulation, or are detected
in the buyer's words for a real call. For each one the rep's reply window (the
rep turns until the next objection, at most three) is checked for the five
steps: paused (Listen), acknowledged, explored with a question, responded
relevantly, confirmed resolution. Caving (a concession before exploring),
defensive monologues and ignoring the objection are penalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evaluation.evidence import Ref
from evaluation.language import (Span, content_words, find_phrase, is_backchannel, sentence_spans,
                                 word_count)
from evaluation.objection_phrases import (ACKNOWLEDGE, CAVE, CONFIRM, DEFENSIVE, EXPLORE, RAISED,
                                          RESOLVED, RESPONSE_TOPIC, TIE_BACK)
from evaluation.questions import Question
from evaluation.transcript import Transcript, Turn

STEPS = ("paused", "acknowledged", "explored", "responded", "confirmed")
STEP_WEIGHTS = {"paused": 15, "acknowledged": 20, "explored": 25, "responded": 25, "confirmed": 15}
PAUSE_S = 1.0
"""A reply this long after the objection counts as a deliberate pause (top reps ~1.5 s)."""
CAVE_PENALTY = 40
DEFENSIVE_PENALTY = 25
DEFENSIVE_WORDS = 70
"""A first reply this long, with no question in it, is a defensive monologue."""
WINDOW_REP_TURNS = 3


@dataclass
class Objection:
    """One objection and how the rep handled it."""

    id: str
    category: str
    buyer_turn: int
    source: str  # "events" or "detected"
    quote: Span | None = None
    reply_turns: list[int] = field(default_factory=list)
    steps: dict[str, bool | None] = field(default_factory=dict)
    step_refs: dict[str, Ref] = field(default_factory=dict)
    caved: bool = False
    defensive: bool = False
    ignored: bool = False
    resolved: bool = False
    resolution: Ref | None = None
    score: int = 0
    notes: list[str] = field(default_factory=list)


def detect_category(text: str) -> tuple[str, Span] | None:
    """The first objection category whose phrases occur in a buyer turn, with the sentence."""
    for category, pattern in RAISED.items():
        span = find_phrase(text, pattern)
        if span is not None:
            return category, span
    return None


def _next_buyer_turn(transcript: Transcript, after: int) -> Turn | None:
    for turn in transcript.turns[after + 1:]:
        if turn.speaker == "buyer" and not is_backchannel(turn.text):
            return turn
    return None


def _from_events(transcript: Transcript) -> list[Objection]:
    found: dict[str, Objection] = {}
    for event in transcript.events:
        key = str(event.get("objection"))
        if event.type == "objection_raised" and key not in found:
            if event.turn is not None:
                buyer = _next_buyer_turn(transcript, event.turn)
            else:
                buyer = next((t for t in transcript.turns if t.speaker == "buyer"
                              and detect_category(t.text)), None) \
                    or _next_buyer_turn(transcript, -1)
            if buyer is None:
                continue
            detected = detect_category(buyer.text)
            found[key] = Objection(id=key, category=str(event.get("category", "other")),
                                   buyer_turn=buyer.index, source="events",
                                   quote=detected[1] if detected else None)
        elif event.type in ("objection_resolved", "objection_escalated") and key in found:
            objection = found[key]
            objection.resolved = event.type == "objection_resolved"
            anchor = event.turn if event.turn is not None else objection.buyer_turn
            reaction = _next_buyer_turn(transcript, anchor)
            objection.resolution = Ref(reaction.index) if reaction else (
                Ref(event.turn) if event.turn is not None else None)
    return sorted(found.values(), key=lambda o: o.buyer_turn)


def _detected(transcript: Transcript) -> list[Objection]:
    """Objections in the buyer's words; the same category again soon after is one objection."""
    out: list[Objection] = []
    last_turn_of: dict[str, int] = {}
    buyer_seen = 0
    for turn in transcript.turns:
        if turn.speaker != "buyer" or is_backchannel(turn.text):
            continue
        buyer_seen += 1
        hit = detect_category(turn.text)
        if hit is None:
            continue
        category, span = hit
        if category in last_turn_of and buyer_seen - last_turn_of[category] <= 2:
            last_turn_of[category] = buyer_seen
            continue
        last_turn_of[category] = buyer_seen
        out.append(Objection(id=f"{category}-{len(out) + 1}", category=category,
                             buyer_turn=turn.index, source="detected", quote=span))
    return out


def _reply_window(transcript: Transcript, objection: Objection, next_start: int) -> list[Turn]:
    turns = [t for t in transcript.turns[objection.buyer_turn + 1:next_start]
             if t.speaker == "rep" and not is_backchannel(t.text)]
    return turns[:WINDOW_REP_TURNS]


def _first(turns: list[Turn], pattern: re.Pattern[str]) -> Ref | None:
    for turn in turns:
        span = find_phrase(turn.text, pattern)
        if span is not None:
            return Ref(turn.index, span)
    return None


def _first_statement(turns: list[Turn], pattern: re.Pattern[str],
                     questions: list[Question]) -> Ref | None:
    """The first sentence matching ``pattern`` that is not itself a question."""
    asked = {(q.turn, q.span.start) for q in questions}
    for turn in turns:
        for span in sentence_spans(turn.text):
            if (turn.index, span.start) not in asked and pattern.search(
                    turn.text, span.start, span.end):
                return Ref(turn.index, span)
    return None


def _explores(question: Question, objection_text: str, first_turn: int) -> bool:
    """A question that digs into the objection, not one that changes the subject."""
    if CONFIRM.search(question.text):
        return False
    if EXPLORE.search(question.text):
        return True
    if len(content_words(question.text) & content_words(objection_text)) >= 1:
        return True
    return question.turn == first_turn and question.kind == "open"


def _assess(transcript: Transcript, objection: Objection, window: list[Turn],
            questions: list[Question], later_buyer: list[Turn]) -> None:
    buyer = transcript.turns[objection.buyer_turn]
    if not window:
        objection.ignored = True
        objection.steps = dict.fromkeys(STEPS, False)
        if not transcript.timed:
            objection.steps["paused"] = None
        objection.notes.append("the rep never replied to this objection")
        return
    first = window[0]
    steps: dict[str, bool | None] = {}
    if transcript.timed:
        gap = (first.start or 0.0) - (buyer.end or 0.0)
        steps["paused"] = gap >= PAUSE_S
        objection.step_refs["paused"] = Ref(first.index)
        objection.notes.append(f"replied {max(gap, 0.0):.1f} s after the objection")
    else:
        steps["paused"] = None
    ack = _first([first], ACKNOWLEDGE)
    steps["acknowledged"] = ack is not None
    window_ids = {t.index for t in window}
    asked = [q for q in questions if q.turn in window_ids]
    confirm = next((q for q in asked if CONFIRM.search(q.text)), None)
    explore = next((q for q in asked if _explores(q, buyer.text, first.index)), None)
    steps["explored"] = explore is not None
    topic = RESPONSE_TOPIC.get(objection.category, RESPONSE_TOPIC["other"])
    response = _first_statement(window, topic, questions) or _first_statement(
        window, TIE_BACK, questions)
    if response is None:
        shared = content_words(buyer.text)
        for turn in window:
            if len(shared & content_words(turn.text)) >= 2 and word_count(turn.text) >= 12:
                response = Ref(turn.index)
                break
    caving = _first(window, CAVE)
    explore_turn = explore.turn if explore else None
    objection.caved = caving is not None and (explore_turn is None or caving.turn <= explore_turn)
    steps["responded"] = response is not None and not (
        objection.caved and response.turn == caving.turn)  # type: ignore[union-attr]
    steps["confirmed"] = confirm is not None
    defensive = _first([first], DEFENSIVE)
    first_has_question = any(q.turn == first.index for q in questions)
    objection.defensive = defensive is not None or (
        word_count(first.text) >= DEFENSIVE_WORDS and not first_has_question)
    objection.ignored = not (steps["acknowledged"] or steps["explored"] or steps["responded"]
                             or objection.caved)
    objection.steps = steps
    for name, ref in (("acknowledged", ack), ("responded", response)):
        if ref is not None:
            objection.step_refs[name] = ref
    if explore is not None:
        objection.step_refs["explored"] = Ref(explore.turn, explore.span)
    if confirm is not None:
        objection.step_refs["confirmed"] = Ref(confirm.turn, confirm.span)
    if caving is not None and objection.caved:
        objection.step_refs["caved"] = caving
    if objection.defensive:
        objection.step_refs["defensive"] = defensive or Ref(first.index)
    if objection.source == "detected":
        for turn in later_buyer:
            span = find_phrase(turn.text, RESOLVED)
            hit = detect_category(turn.text)
            if hit and hit[0] == objection.category:
                objection.resolved = False
                objection.resolution = None
                break
            if span is not None:
                objection.resolved = True
                objection.resolution = Ref(turn.index, span)


def _score(objection: Objection) -> int:
    if objection.ignored:
        return 0
    available = {s: v for s, v in objection.steps.items() if v is not None}
    total = sum(STEP_WEIGHTS[s] for s in available)
    earned = sum(STEP_WEIGHTS[s] for s, v in available.items() if v)
    score = 100 * earned / total if total else 0.0
    if objection.caved:
        score -= CAVE_PENALTY
    if objection.defensive:
        score -= DEFENSIVE_PENALTY
    return int(round(max(0.0, min(100.0, score))))


def analyse_objections(transcript: Transcript, questions: list[Question]) -> list[Objection]:
    """Every objection with its LAER(C) steps, penalties, resolution and a 0–100 score."""
    objections = _from_events(transcript) if transcript.has_events else _detected(transcript)
    for i, objection in enumerate(objections):
        next_start = objections[i + 1].buyer_turn if i + 1 < len(objections) \
            else len(transcript.turns)
        window = _reply_window(transcript, objection, next_start)
        later_buyer = [t for t in transcript.turns[objection.buyer_turn + 1:next_start]
                       if t.speaker == "buyer" and not is_backchannel(t.text)
                       and window and t.index > window[0].index][:WINDOW_REP_TURNS]
        objection.reply_turns = [t.index for t in window]
        _assess(transcript, objection, window, questions, later_buyer)
        objection.score = _score(objection)
    return objections
