"""Conversation metrics: deterministic numbers from turn times and words.

Each metric keeps the turns it rests on, so a scorecard criterion built on a
metric can still cite evidence (the monologue itself, the interrupting turn).
Without times (plain-text transcripts) the time-based metrics are ``None`` and
listed as unavailable; talk ratio then falls back to word share.
"""

from __future__ import annotations

import math
from itertools import pairwise
from dataclasses import dataclass, field

from evaluation.evidence import Ref
from evaluation.language import filler_count, is_backchannel, word_count
from evaluation.questions import Question
from evaluation.transcript import Transcript, Turn

METRIC_KEYS = ("talk_ratio", "longest_monologue_s", "longest_buyer_story_s", "questions",
               "question_rate_per_min", "open_question_ratio", "stacked_questions",
               "patience_s", "patience_after_objection_s", "interruptions", "wpm",
               "filler_per_min", "switches_per_min")
TIME_BASED = ("longest_monologue_s", "longest_buyer_story_s", "question_rate_per_min",
              "patience_s", "patience_after_objection_s", "interruptions", "wpm",
              "filler_per_min", "switches_per_min")
MONOLOGUE_GAP_S = 2.0
"""Consecutive turns of one speaker separated by less than this are one stretch of talk."""
OVERLAP_S = 0.2
"""A turn that starts this far before the other speaker's turn ends talks over them."""


@dataclass
class ConversationMetrics:
    """The thirteen issue metrics plus a few extras, with their evidence and gaps."""

    values: dict[str, float | int | None]
    extra: dict[str, object] = field(default_factory=dict)
    evidence: dict[str, list[Ref]] = field(default_factory=dict)
    unavailable: list[str] = field(default_factory=list)


def _stretches(turns: list[Turn], speaker: str) -> list[list[Turn]]:
    """Runs of one speaker's turns, ignoring the other side's backchannels ('mm-hmm')."""
    runs: list[list[Turn]] = []
    current: list[Turn] = []
    for turn in turns:
        if turn.speaker != speaker:
            if is_backchannel(turn.text):
                continue
            if current:
                runs.append(current)
            current = []
            continue
        if current and turn.start is not None and current[-1].end is not None \
                and turn.start - current[-1].end > MONOLOGUE_GAP_S:
            runs.append(current)
            current = []
        current.append(turn)
    if current:
        runs.append(current)
    return runs


def _longest(turns: list[Turn], speaker: str) -> tuple[float, list[Ref]]:
    best, refs = 0.0, []
    for run in _stretches(turns, speaker):
        length = (run[-1].end or 0.0) - (run[0].start or 0.0)
        if length > best:
            best, refs = length, [Ref(run[0].index)]
    return round(best, 2), refs


def _replies(turns: tuple[Turn, ...]) -> list[tuple[Turn, Turn]]:
    """(buyer turn, rep reply) pairs where the rep takes the floor after the buyer."""
    pairs = []
    for before, after in pairwise(turns):
        if before.speaker == "buyer" and after.speaker == "rep" \
                and not is_backchannel(before.text) and not is_backchannel(after.text):
            pairs.append((before, after))
    return pairs


def _gap(before: Turn, after: Turn) -> float:
    return max(0.0, (after.start or 0.0) - (before.end or 0.0))


def _talks_over(before: Turn, after: Turn) -> bool:
    if is_backchannel(after.text):
        return False
    if before.interrupted:
        return True
    return (after.start or 0.0) < (before.end or 0.0) - OVERLAP_S


def _interruptions(turns: tuple[Turn, ...], by: str) -> list[Ref]:
    return [Ref(after.index) for before, after in pairwise(turns)
            if after.speaker == by and before.speaker != by and _talks_over(before, after)]


def _question_spread(questions: list[Question], transcript: Transcript) -> tuple[list[int], float]:
    """Questions per third of the call and an evenness score (1 = evenly spread, 0 = bunched)."""
    thirds = [0, 0, 0]
    count = len(transcript.turns)
    if not questions or not count:
        return thirds, 0.0
    for question in questions:
        turn = transcript.turns[question.turn]
        if transcript.timed and transcript.duration_s:
            position = (turn.start or 0.0) / transcript.duration_s
        else:
            position = question.turn / count
        thirds[min(2, int(position * 3))] += 1
    total = sum(thirds)
    entropy = -sum(n / total * math.log(n / total) for n in thirds if n)
    return thirds, round(entropy / math.log(3), 3)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def compute_metrics(transcript: Transcript, questions: list[Question],
                    objection_turns: list[int]) -> ConversationMetrics:
    """All metrics; ``objection_turns`` are the buyer turns that voiced an objection."""
    turns = transcript.turns
    rep = transcript.speaker_turns("rep")
    buyer = transcript.speaker_turns("buyer")
    values: dict[str, float | int | None] = dict.fromkeys(METRIC_KEYS)
    evidence: dict[str, list[Ref]] = {}
    extra: dict[str, object] = {}

    rep_words = sum(word_count(t.text) for t in rep)
    buyer_words = sum(word_count(t.text) for t in buyer)
    discovery = [q for q in questions if q.spin != "other"] or questions
    open_questions = [q for q in discovery if q.kind == "open"]
    stacked = sorted({q.turn for q in questions if q.position >= 1})
    values["questions"] = len(questions)
    values["open_question_ratio"] = (round(len(open_questions) / len(discovery), 2)
                                     if discovery else None)
    values["stacked_questions"] = len(stacked)
    evidence["questions"] = [Ref(q.turn, q.span) for q in questions]
    evidence["open_question_ratio"] = [Ref(q.turn, q.span) for q in open_questions] or \
        [Ref(q.turn, q.span) for q in discovery]
    evidence["stacked_questions"] = [Ref(t) for t in stacked]
    thirds, spread = _question_spread(questions, transcript)
    extra.update(question_thirds=thirds, question_spread=spread, rep_words=rep_words,
                 buyer_words=buyer_words, rep_turns=len(rep), buyer_turns=len(buyer))

    unavailable: list[str] = []
    if not transcript.timed:
        if rep_words + buyer_words:
            values["talk_ratio"] = round(rep_words / (rep_words + buyer_words), 2)
        unavailable = list(TIME_BASED)
        extra["talk_ratio_basis"] = "words"
        return ConversationMetrics(values, extra, evidence, unavailable)

    rep_time = sum(t.duration for t in rep)
    buyer_time = sum(t.duration for t in buyer)
    minutes = (transcript.duration_s or 0.0) / 60.0
    extra.update(talk_ratio_basis="time", rep_talk_s=round(rep_time, 1),
                 buyer_talk_s=round(buyer_time, 1))
    if rep_time + buyer_time > 0:
        values["talk_ratio"] = round(rep_time / (rep_time + buyer_time), 2)
    values["longest_monologue_s"], evidence["longest_monologue_s"] = _longest(list(turns), "rep")
    evidence["talk_ratio"] = evidence["longest_monologue_s"]
    values["longest_buyer_story_s"], evidence["longest_buyer_story_s"] = _longest(list(turns),
                                                                                 "buyer")
    if minutes > 0:
        values["question_rate_per_min"] = round(len(questions) / minutes, 2)
        switches = sum(1 for a, b in pairwise(turns) if a.speaker != b.speaker)
        values["switches_per_min"] = round(switches / minutes, 2)
    evidence["question_rate_per_min"] = evidence["questions"]

    replies = _replies(turns)
    values["patience_s"] = _mean([_gap(b, r) for b, r in replies])
    evidence["patience_s"] = [Ref(r.index) for b, r in replies if _gap(b, r) < 0.3][:5]
    objection_set = set(objection_turns)
    after_objection = [(b, r) for b, r in replies if b.index in objection_set]
    values["patience_after_objection_s"] = _mean([_gap(b, r) for b, r in after_objection])
    evidence["patience_after_objection_s"] = [Ref(r.index) for _, r in after_objection]
    if not after_objection:
        unavailable.append("patience_after_objection_s")

    rep_interrupts = _interruptions(turns, "rep")
    values["interruptions"] = len(rep_interrupts)
    evidence["interruptions"] = rep_interrupts
    extra["buyer_interruptions"] = len(_interruptions(turns, "buyer"))

    rep_minutes = rep_time / 60.0
    if rep_minutes > 0:
        values["wpm"] = round(rep_words / rep_minutes, 1)
        fillers = [t for t in rep if filler_count(t.text)]
        values["filler_per_min"] = round(sum(filler_count(t.text) for t in rep) / rep_minutes, 2)
        evidence["filler_per_min"] = [Ref(t.index) for t in
                                      sorted(fillers, key=lambda t: -filler_count(t.text))[:3]]
    for key in ("talk_ratio", "longest_monologue_s", "wpm", "filler_per_min", "patience_s"):
        if values[key] is None and key not in unavailable:
            unavailable.append(key)
    return ConversationMetrics(values, extra, evidence, unavailable)
