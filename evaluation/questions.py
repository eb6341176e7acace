"""The rep's questions: open or closed, SPIN category, and MEDDPICC elements they touch.

Keyword rules, applied in a fixed order, so the same words always get the same
label; ``docs/evaluation.md`` lists them for trainers.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.language import Span, phrases, question_kind, question_spans
from evaluation.transcript import Transcript

SPIN_CATEGORIES = ("situation", "problem", "implication", "need_payoff")
MEDDPICC = ("metrics", "economic_buyer", "decision_criteria", "decision_process",
            "paper_process", "identify_pain", "champion", "competition")

_NOT_DISCOVERY = phrases(
    r"does that (?:make sense|sound|help|work|address|answer|resolve)", r"make sense\?",
    r"sound(?:s)? good", r"are you (?:free|available|open to)", r"can i (?:send|book|schedule)",
    r"shall (?:we|i)", r"could we (?:schedule|book|set up|get)", r"how does .{0,30} sound",
    r"is that fair", r"would (?:monday|tuesday|wednesday|thursday|friday|next week|tomorrow)",
    r"would that (?:work|help|address)", r"did i answer", r"have i addressed",
    r"can you hear me", r"how are you", r"would it help if (?:i|we)",
    r"(?:can|could|shall) (?:we|i) (?:book|schedule|set up|put)",
)
_SPIN_RULES: tuple[tuple[str, object], ...] = (
    ("need_payoff", phrases(
        r"if you (?:could|had|were able|didn't have)", r"how would (?:that|it|this) (?:help|change"
        r"|impact|affect|make|feel)",
        r"what would (?:it|that|this) (?:mean|be worth|do|change|free)",
        r"how valuable", r"would it (?:help|be useful|be valuable|matter)",
        r"what (?:difference|benefit)", r"ideal (?:world|solution|state|outcome)", r"magic wand",
        r"what would (?:change|improve)", r"how much would (?:you|that|it) save",
        r"what would success", r"worth (?:it|solving)")),
    ("implication", phrases(
        r"impact", r"affect(?:s|ed|ing)?", r"effect on", r"cost(?:s|ing)? (?:you|the|your|us)",
        r"consequences?", r"what happens (?:if|when|to)", r"knock-on", r"ripple", r"lead(?:s)? to",
        r"result(?:s)? in", r"mean for", r"how much (?:time|money|revenue|does that cost)",
        r"how many (?:hours|deals|customers|people|reps)", r"los(?:e|ing)", r"at risk",
        r"if nothing changes", r"downstream", r"what does that do to")),
    ("problem", phrases(
        r"challeng\w*", r"problems?", r"difficult\w*", r"hard(?:est)?", r"frustrat\w*",
        r"struggl\w*", r"issues?", r"pain\w*", r"not working", r"concerns?", r"worr\w*",
        r"bottlenecks?", r"slow\w*", r"dissatisf\w*", r"broken", r"go(?:es)? wrong",
        r"headaches?", r"keep(?:s)? you up", r"improve", r"fall(?:s|ing)? through")),
)
_ABOUT_BUYER = phrases(r"you", r"your", r"team", r"company", r"process", r"currently", r"today")
_MEDDPICC_RULES: dict[str, object] = {
    "metrics": phrases(r"measur\w*", r"metrics?", r"kpis?", r"roi", r"success look",
                       r"how much", r"how many", r"percent\w*", r"targets?", r"numbers?",
                       r"quantif\w*"),
    "economic_buyer": phrases(r"budget\w*", r"signs? off", r"sign-off", r"final say",
                              r"approv\w*", r"who pays", r"economic buyer", r"cfo",
                              r"spend(?:ing)?", r"holds? the purse"),
    "decision_criteria": phrases(r"criteria", r"evaluat\w*", r"requirements?", r"must-haves?",
                                 r"looking for in", r"how will you (?:decide|choose|compare)",
                                 r"what matters most", r"important to you"),
    "decision_process": phrases(r"decision\w*", r"decide\w*", r"who else", r"involved",
                                r"stakeholders?", r"committee", r"by when", r"timeline",
                                r"next steps? (?:on|for) your side", r"deadline"),
    "paper_process": phrases(r"procurement", r"legal", r"contracts?", r"security review",
                             r"purchas\w*", r"paperwork", r"vendor onboarding", r"msa",
                             r"redlines?", r"purchase order"),
    "identify_pain": None,  # any problem or implication question
    "champion": phrases(r"champion\w*", r"internally", r"sell (?:this|it) (?:in|up)",
                        r"(?:your )?(?:boss|manager|vp) (?:think|feel|say)", r"on board",
                        r"advocate", r"who (?:benefits|cares)", r"support this"),
    "competition": phrases(r"competitors?", r"other (?:vendors|options|tools|solutions|providers)",
                           r"alternatives?", r"anyone else", r"compar\w*", r"in-house",
                           r"build it yourselves", r"shopping around"),
}


@dataclass(frozen=True, slots=True)
class Question:
    """One question the rep asked, where it is, and how it is classified."""

    turn: int
    span: Span
    text: str
    kind: str
    spin: str
    meddpicc: tuple[str, ...]
    position: int
    """Index of the question within its turn (0 = first)."""


def is_discovery(sentence: str) -> bool:
    """False for check-ins and closing asks ("Does that make sense?", "Shall we book ...?")."""
    return not _NOT_DISCOVERY.search(sentence)


def spin_category(sentence: str) -> str:
    """situation, problem, implication, need_payoff, or 'other' (checks, closing asks)."""
    if not is_discovery(sentence):
        return "other"
    for category, pattern in _SPIN_RULES:
        if pattern.search(sentence):  # type: ignore[attr-defined]
            return category
    if _ABOUT_BUYER.search(sentence) or _meddpicc_hits(sentence):
        return "situation"
    return "other"


def _meddpicc_hits(sentence: str) -> list[str]:
    return [element for element, pattern in _MEDDPICC_RULES.items()
            if pattern is not None and pattern.search(sentence)]  # type: ignore[attr-defined]


def meddpicc_elements(sentence: str, spin: str) -> tuple[str, ...]:
    """MEDDPICC elements a discovery question touches (none for check-ins)."""
    if spin == "other":
        return ()
    found = _meddpicc_hits(sentence)
    if spin in ("problem", "implication"):
        found.append("identify_pain")
    return tuple(element for element in MEDDPICC if element in found)


def rep_questions(transcript: Transcript) -> list[Question]:
    """Every question in the rep's turns, in order."""
    out: list[Question] = []
    for turn in transcript.turns:
        if turn.speaker != "rep":
            continue
        for position, span in enumerate(question_spans(turn.text)):
            sentence = turn.text[span.start:span.end]
            spin = spin_category(sentence)
            out.append(Question(turn=turn.index, span=span, text=sentence,
                                kind=question_kind(sentence), spin=spin,
                                meddpicc=meddpicc_elements(sentence, spin), position=position))
    return out
