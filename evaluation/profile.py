"""A rep's skill-gap profile over sessions: levels, trends, a practice plan and coaching notes.

Recent sessions count more (each session's weight halves every
``HALF_LIFE_SESSIONS`` sessions back), so a rep who has improved is not held
back by old calls. The practice plan picks personas from descriptors passed in
(the evaluator never imports the persona library); each coaching note quotes
what the rep actually said in the session where the gap showed. Competencies
and criteria a session did not assess (``assessed`` False, e.g. objection
handling when no objection came up) add nothing to levels, trends or the plan:
their placeholder score 0 is not a weakness.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from evaluation.coaching import SKILL_HINTS, tip_for
from evaluation.evidence import Evidence
from evaluation.result import CompetencyResult, CriterionResult, ScoreResult, level_for

HALF_LIFE_SESSIONS = 3.0
TREND_WINDOW = 5
TREND_STEP = 3.0
"""Points per session of least-squares slope that count as improving/declining."""
WEAK_BELOW = 70
_DIFFICULTY_WORDS = {"easy": 1, "beginner": 1, "medium": 2, "intermediate": 2, "moderate": 2,
                     "hard": 3, "advanced": 3, "difficult": 3, "expert": 4}


class PersonaDescriptor(BaseModel):
    """What the practice plan needs to know about a persona (built by the caller)."""

    id: str
    name: str
    difficulty: str | int = "medium"
    drills: list[str] = Field(default_factory=list, description="Competency ids it exercises.")
    description: str = ""

    @property
    def rank(self) -> int:
        if isinstance(self.difficulty, int):
            return self.difficulty
        return _DIFFICULTY_WORDS.get(str(self.difficulty).lower(), 2)


class SessionRecord(BaseModel):
    """One scored session of a rep."""

    session_id: str
    timestamp: datetime | None = None
    persona: str | None = None
    result: ScoreResult


class HistoryPoint(BaseModel):
    session_id: str
    timestamp: datetime | None
    score: int


class CompetencyProfile(BaseModel):
    name: str
    score: int
    level: str
    trend: str = Field(..., description="improving, declining, steady, or new (one session).")
    slope_per_session: float
    sessions: int
    history: list[HistoryPoint]


class PlanItem(BaseModel):
    competency: str
    persona_id: str | None
    persona_name: str | None
    difficulty: str | int | None
    reason: str


class CoachingNote(BaseModel):
    """The note a manager opens a one-on-one with."""

    competency: str
    level: str
    session_id: str
    criterion: str
    what_happened: str
    evidence: Evidence | None
    try_instead: str
    drill_with: str | None
    note: str


class Profile(BaseModel):
    rep_id: str
    sessions: int
    competencies: dict[str, CompetencyProfile]
    weakest: list[str]
    practice_plan: list[PlanItem]
    coaching_notes: list[CoachingNote]
    warnings: list[str] = Field(default_factory=list)


def _ordered(sessions: Sequence[SessionRecord]) -> list[SessionRecord]:
    """Oldest first: by timestamp where known, otherwise by session id."""
    return sorted(sessions, key=lambda s: (s.timestamp is not None,
                                           s.timestamp.timestamp() if s.timestamp else 0.0,
                                           s.session_id))


def _trend(scores: list[int]) -> tuple[str, float]:
    recent = scores[-TREND_WINDOW:]
    if len(recent) < 2:
        return "new", 0.0
    n = len(recent)
    mean_x, mean_y = (n - 1) / 2, sum(recent) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(recent)) / sum(
        (x - mean_x) ** 2 for x in range(n))
    if slope > TREND_STEP:
        return "improving", round(slope, 1)
    if slope < -TREND_STEP:
        return "declining", round(slope, 1)
    return "steady", round(slope, 1)


def _competency_profiles(ordered: list[SessionRecord]) -> dict[str, CompetencyProfile]:
    points: dict[str, list[tuple[SessionRecord, CompetencyResult]]] = {}
    for session in ordered:
        for cid, comp in session.result.competencies.items():
            if comp.assessed:
                points.setdefault(cid, []).append((session, comp))
    out = {}
    for cid, items in points.items():
        weights = [0.5 ** ((len(items) - 1 - i) / HALF_LIFE_SESSIONS) for i in range(len(items))]
        score = sum(w * c.score for w, (_, c) in zip(weights, items, strict=True)) / sum(weights)
        trend, slope = _trend([c.score for _, c in items])
        out[cid] = CompetencyProfile(
            name=items[-1][1].name or cid, score=int(round(score)), level=level_for(score),
            trend=trend, slope_per_session=slope, sessions=len(items),
            history=[HistoryPoint(session_id=s.session_id, timestamp=s.timestamp,
                                  score=c.score) for s, c in items])
    return out


_TARGET_RANK = {"Needs Work": 1, "Developing": 2, "Proficient": 3, "Excellent": 3}


def _pick_persona(competency: str, level: str, hints: tuple[str, ...],
                  personas: Sequence[PersonaDescriptor], used: set[str]
                  ) -> PersonaDescriptor | None:
    """The persona that drills this competency and the specific gap, at the right difficulty.

    Ranked by: drills the competency, drills the skills the weakest criterion
    points to (price caving -> negotiation), difficulty closest to the rep's
    level (easy for Needs Work, hard to stretch), then id; personas already in
    the plan come last.
    """
    fits = [p for p in personas if competency in p.drills or set(hints) & set(p.drills)]
    if not fits:
        return None
    target = _TARGET_RANK.get(level, 2)
    return min(fits, key=lambda p: (p.id in used, competency not in p.drills,
                                    -len(set(hints) & set(p.drills)), abs(p.rank - target), p.id))


def _weakest_criterion(competency: str, ordered: list[SessionRecord]
                       ) -> tuple[SessionRecord, CriterionResult, Evidence | None] | None:
    """The latest session's lowest criterion of this competency, preferring one with a quote.

    Among equally low criteria, a bad behaviour that actually happened (a yes/no
    check such as ``caved_on_price`` that fired) comes first: it is the most
    concrete thing to coach.
    """
    for session in reversed(ordered):
        comp = session.result.competencies.get(competency)
        if comp is None or not comp.assessed:
            continue
        weak = sorted((c for c in comp.criteria if c.assessed and c.score < WEAK_BELOW),
                      key=lambda c: (c.score, not (c.type == "yes_no" and c.value is True),
                                     -c.weight))
        if not weak:
            continue
        criterion = next((c for c in weak if c.evidence), weak[0])
        evidence = criterion.evidence[0] if criterion.evidence else next(
            (c.evidence[0] for c in comp.criteria if c.evidence), None)
        return session, criterion, evidence
    return None


def _note(competency: str, profile: CompetencyProfile,
          found: tuple[SessionRecord, CriterionResult, Evidence | None],
          persona: PersonaDescriptor | None) -> CoachingNote:
    """What happened (with the quote), what to try instead, and whom to practise it on."""
    session, criterion, evidence = found
    tip = tip_for(criterion.measures, competency)
    drill = f"{persona.name} ({persona.difficulty})" if persona else None
    when = f" on {session.timestamp:%Y-%m-%d}" if session.timestamp else ""
    said = (f" {evidence.speaker.capitalize()} said: “{evidence.quote}” (turn {evidence.turn})."
            if evidence else " There is no quote because it never happened.")
    note = (f"{profile.name} is {profile.level} ({profile.score}, {profile.trend}). In session "
            f"{session.session_id}{when}, {criterion.name or criterion.id}: "
            f"{criterion.explanation}.{said} Try instead: {tip}"
            + (f" Practise it with {drill}." if drill else ""))
    return CoachingNote(competency=competency, level=profile.level,
                        session_id=session.session_id, criterion=criterion.id,
                        what_happened=criterion.explanation, evidence=evidence,
                        try_instead=tip, drill_with=drill, note=note)


def build_profile(sessions: Sequence[SessionRecord], personas: Sequence[PersonaDescriptor] = (),
                  *, rep_id: str = "rep") -> Profile:
    """Levels, trends, weakest competencies, practice plan and coaching notes for one rep."""
    warnings: list[str] = []
    ordered = _ordered(sessions)
    if not ordered:
        return Profile(rep_id=rep_id, sessions=0, competencies={}, weakest=[], practice_plan=[],
                       coaching_notes=[], warnings=["no scored sessions for this rep yet"])
    if not personas:
        warnings.append("no persona descriptors were given: the practice plan names the "
                        "competencies to practise but no personas")
    competencies = _competency_profiles(ordered)
    ranked = sorted(competencies, key=lambda cid: (competencies[cid].score, cid))
    weak = [cid for cid in ranked if competencies[cid].score < WEAK_BELOW]
    focus = weak or ranked[:1]
    plan, notes, used = [], [], set()
    for cid in focus:
        profile = competencies[cid]
        found = _weakest_criterion(cid, ordered)
        hints = SKILL_HINTS.get(found[1].measures, ()) if found else ()
        persona = _pick_persona(cid, profile.level, hints, personas, used)
        if persona is not None:
            used.add(persona.id)
            why = persona.description or f"drills {cid.replace('_', ' ')}"
            reason = (f"{profile.name} is {profile.level} ({profile.score}, {profile.trend}); "
                      f"{persona.name} ({persona.difficulty}): {why}")
        else:
            reason = (f"{profile.name} is {profile.level} ({profile.score}, {profile.trend}); "
                      "no persona in the library drills it yet")
        if not weak:
            reason = "Stretch goal — " + reason
        plan.append(PlanItem(competency=cid, persona_id=persona.id if persona else None,
                             persona_name=persona.name if persona else None,
                             difficulty=persona.difficulty if persona else None, reason=reason))
        if found is not None:
            notes.append(_note(cid, profile, found, persona))
    return Profile(rep_id=rep_id, sessions=len(ordered), competencies=competencies,
                   weakest=ranked[:3], practice_plan=plan, coaching_notes=notes,
                   warnings=warnings)
