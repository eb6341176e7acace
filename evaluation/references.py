"""Published reference figures each conversation metric is shown against.

Sources are the ones collected in the project's field notes (Gong Labs call
analyses, conversation-analysis research on turn-taking). Where no published
figure exists the range is marked as a coaching guideline, so nobody mistakes
it for research.
"""

from __future__ import annotations

from pydantic import BaseModel

GONG = "Gong Labs analyses of recorded B2B sales calls"
TURN_TAKING = "Levinson & Torreira 2015; Stivers et al. 2009 (human turn-taking gap ~200 ms)"
GUIDELINE = "coaching guideline (no published figure)"


class ReferenceRange(BaseModel):
    """The range a metric is judged against; either bound may be open."""

    metric: str
    label: str
    unit: str
    low: float | None
    high: float | None
    note: str
    source: str

    def status(self, value: float | None) -> str:
        """'in range', 'below', 'above' or 'n/a'."""
        if value is None:
            return "n/a"
        if self.low is not None and value < self.low:
            return "below"
        if self.high is not None and value > self.high:
            return "above"
        return "in range"

    def describe(self) -> str:
        """'0.35–0.55' style bounds; shares ('of talk time') read as percentages."""
        def show(value: float) -> str:
            return f"{value:.0%}" if self.unit.startswith("of ") else f"{value:g}"

        if self.low is not None and self.high is not None:
            bounds = f"{show(self.low)}–{show(self.high)}"
        elif self.low is not None:
            bounds = f"≥ {show(self.low)}"
        elif self.high is not None:
            bounds = f"≤ {show(self.high)}"
        else:
            bounds = "—"
        return f"{bounds} {self.unit}".strip()


REFERENCE_RANGES: dict[str, ReferenceRange] = {r.metric: r for r in (
    ReferenceRange(metric="talk_ratio", label="Rep talk ratio", unit="of talk time",
                   low=0.35, high=0.55,
                   note="top reps talk ~43 %; the average B2B rep talks 65–75 %", source=GONG),
    ReferenceRange(metric="longest_monologue_s", label="Longest rep monologue", unit="s",
                   low=None, high=120,
                   note="rep monologues over 2 minutes hurt the call", source=GONG),
    ReferenceRange(metric="longest_buyer_story_s", label="Longest buyer story", unit="s",
                   low=60, high=None,
                   note="won calls have buyer stories of ~4 minutes; aim for at least 1 in a "
                        "short role-play", source=GONG),
    ReferenceRange(metric="questions", label="Questions asked", unit="questions",
                   low=11, high=14,
                   note="11–14 questions in a full discovery call; fewer is fine in a short "
                        "role-play", source=GONG),
    ReferenceRange(metric="question_rate_per_min", label="Question rate", unit="per min",
                   low=0.3, high=1.5,
                   note="derived: 11–14 questions over a 10–40 minute discovery call",
                   source=GUIDELINE),
    ReferenceRange(metric="open_question_ratio", label="Open questions", unit="of questions",
                   low=0.5, high=None,
                   note="open questions (what/how/why, tell me) draw out the buyer's story",
                   source=GUIDELINE),
    ReferenceRange(metric="stacked_questions", label="Stacked questions", unit="turns",
                   low=None, high=1,
                   note="several questions in one breath let the buyer answer only the easiest",
                   source=GUIDELINE),
    ReferenceRange(metric="question_spread", label="Question spread", unit="(0–1)",
                   low=0.6, high=None,
                   note="1 = questions spread evenly over the call's thirds, 0 = all in one "
                        "third", source=GUIDELINE),
    ReferenceRange(metric="patience_s", label="Patience (pause before replying)", unit="s",
                   low=0.6, high=None,
                   note="the natural turn gap is ~0.2 s; letting the buyer finish takes longer",
                   source=TURN_TAKING),
    ReferenceRange(metric="patience_after_objection_s", label="Pause after an objection",
                   unit="s", low=1.5, high=None,
                   note="top reps pause ~1.5 s after an objection, average reps ~0.3 s",
                   source=GONG),
    ReferenceRange(metric="interruptions", label="Interruptions (rep talks over buyer)",
                   unit="times", low=None, high=1,
                   note="talking over the buyer signals you are not listening", source=GUIDELINE),
    ReferenceRange(metric="wpm", label="Speech rate", unit="wpm", low=140, high=190,
                   note="average speech rate on sales calls is ~173 wpm", source=GONG),
    ReferenceRange(metric="filler_per_min", label="Filler words", unit="per min",
                   low=None, high=3,
                   note="um, uh, you know, I mean, basically", source=GUIDELINE),
    ReferenceRange(metric="switches_per_min", label="Speaker switches", unit="per min",
                   low=2, high=None,
                   note="frequent back-and-forth marks a conversation rather than a pitch",
                   source=GUIDELINE),
)}
