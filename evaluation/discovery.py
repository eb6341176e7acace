"""Discovery: SPIN mix of the rep's questions, MEDDPICC coverage, and what the buyer revealed.

In a simulation the buyer brain's ``fact_revealed`` events are the ground
truth: each hidden fact is credited to the rep question that earned it. In a
real call there are no events, so the pains, needs and constraints the buyer
states are detected in their words, and credited to the rep when a discovery
question drew them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluation.evidence import Ref
from evaluation.language import Span, is_backchannel, phrases, sentence_spans
from evaluation.questions import MEDDPICC, SPIN_CATEGORIES, Question
from evaluation.transcript import Transcript

FACT_TO_MEDDPICC = {
    "metrics": "metrics", "budget": "economic_buyer", "decision_criteria": "decision_criteria",
    "decision_process": "decision_process", "timeline": "decision_process",
    "paper_process": "paper_process", "pain": "identify_pain", "champion": "champion",
    "competitor": "competition",
}

STATEMENT_PATTERNS = {
    "pain": phrases(
        r"problems?", r"struggl\w*", r"frustrat\w*", r"pain(?:ful)?", r"headaches?",
        r"takes? (?:too long|forever|hours|days|ages)", r"manual(?:ly)?", r"slow\w*", r"errors?",
        r"mistakes?", r"losing", r"lost", r"churn\w*", r"miss(?:ed|ing)", r"wast\w*",
        r"costing", r"behind", r"can't keep up", r"difficult", r"hard to", r"nightmare",
        r"complain\w*", r"overwhelm\w*", r"drowning", r"through the cracks", r"bottlenecks?"),
    "need": phrases(
        r"we need", r"need to", r"we want", r"looking for", r"would love", r"has to",
        r"must", r"goal is", r"priority", r"hoping to", r"wish", r"ideally",
        r"it would be great if", r"we'd like"),
    "constraint": phrases(
        r"budget\w*", r"contracts?", r"deadline", r"by (?:q[1-4]|the end of|end of)",
        r"approv\w*", r"procurement", r"security review", r"legal", r"locked in", r"renewal",
        r"can't spend", r"freeze", r"board", r"headcount", r"has to (?:work|integrate) with",
        r"limited", r"sign-?off"),
}
_CONSTRAINT_TO_MEDDPICC = (
    (phrases(r"budget\w*", r"can't spend", r"freeze", r"approv\w*", r"sign-?off"),
     "economic_buyer"),
    (phrases(r"deadline", r"by (?:q[1-4]|the end of|end of)", r"board"), "decision_process"),
    (phrases(r"procurement", r"security review", r"legal", r"contracts?", r"renewal"),
     "paper_process"),
)


@dataclass(frozen=True, slots=True)
class Fact:
    """A hidden fact the buyer revealed, with the rep question that earned it."""

    fact: str
    category: str
    rep_turn: int | None
    question: Question | None
    buyer_turn: int | None


@dataclass(frozen=True, slots=True)
class Statement:
    """A pain, need or constraint in the buyer's words (real calls, no events)."""

    kind: str
    turn: int
    span: Span
    prompted_by: Question | None


@dataclass
class Discovery:
    """What discovery found: SPIN mix, MEDDPICC coverage, and facts or statements."""

    spin: dict[str, list[Question]]
    meddpicc: dict[str, Ref | None]
    facts: list[Fact] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    uses_events: bool = False

    @property
    def spin_categories_used(self) -> int:
        return sum(1 for category in SPIN_CATEGORIES if self.spin[category])

    @property
    def meddpicc_covered(self) -> list[str]:
        return [element for element in MEDDPICC if self.meddpicc[element] is not None]

    @property
    def uncovered_count(self) -> int:
        """Hidden facts revealed (simulation) or distinct findings drawn out by a question."""
        if self.uses_events:
            return len({fact.fact for fact in self.facts})
        return len({(s.kind, s.turn) for s in self.statements if s.prompted_by is not None})


def _question_in(questions: list[Question], turn: int | None) -> Question | None:
    """The question a rep turn ended on (the one the buyer answered)."""
    if turn is None:
        return None
    asked = [q for q in questions if q.turn == turn]
    return asked[-1] if asked else None


def _facts(transcript: Transcript, questions: list[Question]) -> list[Fact]:
    facts = []
    seen: set[str] = set()
    for event in transcript.events:
        if event.type != "fact_revealed" or str(event.get("fact")) in seen:
            continue
        seen.add(str(event.get("fact")))
        buyer = None
        if event.turn is not None:
            buyer = next((t.index for t in transcript.turns[event.turn + 1:]
                          if t.speaker == "buyer" and not is_backchannel(t.text)), None)
        facts.append(Fact(fact=str(event.get("fact")), category=str(event.get("category", "other")),
                          rep_turn=event.turn, question=_question_in(questions, event.turn),
                          buyer_turn=buyer))
    return facts


def _statements(transcript: Transcript, questions: list[Question]) -> list[Statement]:
    out = []
    previous_rep: int | None = None
    for turn in transcript.turns:
        if turn.speaker == "rep":
            previous_rep = turn.index
            continue
        if is_backchannel(turn.text):
            continue
        prompt = _question_in(questions, previous_rep)
        if prompt is not None and prompt.spin == "other":
            prompt = None
        for span in sentence_spans(turn.text):
            sentence = turn.text[span.start:span.end]
            for kind, pattern in STATEMENT_PATTERNS.items():
                if pattern.search(sentence):
                    out.append(Statement(kind=kind, turn=turn.index, span=span, prompted_by=prompt))
                    break
    return out


def analyse_discovery(transcript: Transcript, questions: list[Question]) -> Discovery:
    spin: dict[str, list[Question]] = {category: [] for category in SPIN_CATEGORIES}
    for question in questions:
        if question.spin in spin:
            spin[question.spin].append(question)
    meddpicc: dict[str, Ref | None] = dict.fromkeys(MEDDPICC)
    for question in questions:
        for element in question.meddpicc:
            if meddpicc[element] is None:
                meddpicc[element] = Ref(question.turn, question.span)
    discovery = Discovery(spin=spin, meddpicc=meddpicc, uses_events=transcript.has_events)
    if transcript.has_events:
        discovery.facts = _facts(transcript, questions)
        for fact in discovery.facts:
            element = FACT_TO_MEDDPICC.get(fact.category)
            if element and meddpicc[element] is None and fact.buyer_turn is not None:
                meddpicc[element] = Ref(fact.buyer_turn)
    else:
        discovery.statements = _statements(transcript, questions)
        for statement in discovery.statements:
            if statement.prompted_by is None:
                continue
            span = statement.span
            sentence = transcript.turns[statement.turn].text[span.start:span.end]
            if statement.kind == "pain" and meddpicc["identify_pain"] is None:
                meddpicc["identify_pain"] = Ref(statement.turn, statement.span)
            for pattern, element in _CONSTRAINT_TO_MEDDPICC:
                if statement.kind == "constraint" and meddpicc[element] is None \
                        and pattern.search(sentence):
                    meddpicc[element] = Ref(statement.turn, statement.span)
    return discovery
