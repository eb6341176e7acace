"""Named measurements that scorecard criteria refer to: yes/no checks and numeric signals.

A trainer's template says ``check: asked_implication_question`` or ``signal:
meddpicc_coverage``; this module is the vocabulary those names come from. Each
measurement returns its value together with the evidence it rests on and a
one-line explanation, so every criterion score can show its reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from evaluation.behaviours import Behaviours, analyse_behaviours
from evaluation.discovery import Discovery, analyse_discovery
from evaluation.evidence import Ref
from evaluation.metrics import ConversationMetrics, compute_metrics
from evaluation.objections import STEPS, Objection, analyse_objections
from evaluation.questions import MEDDPICC, Question, rep_questions
from evaluation.transcript import Transcript


@dataclass
class Analysis:
    """Everything the deterministic evaluator reads from one transcript, computed once."""

    transcript: Transcript
    questions: list[Question]
    discovery: Discovery
    objections: list[Objection]
    metrics: ConversationMetrics
    behaviours: Behaviours


def analyse(transcript: Transcript) -> Analysis:
    questions = rep_questions(transcript)
    objections = analyse_objections(transcript, questions)
    metrics = compute_metrics(transcript, questions, [o.buyer_turn for o in objections])
    return Analysis(transcript=transcript, questions=questions,
                    discovery=analyse_discovery(transcript, questions), objections=objections,
                    metrics=metrics, behaviours=analyse_behaviours(transcript))


@dataclass
class Measurement:
    """A check (bool) or signal (number); ``None`` means it could not be observed."""

    value: bool | float | None
    explanation: str
    refs: list[Ref] = field(default_factory=list)


Measure = Callable[[Analysis], Measurement]


def _qrefs(questions: list[Question]) -> list[Ref]:
    return [Ref(q.turn, q.span) for q in questions]


def _spin_check(category: str, label: str) -> Measure:
    def measure(a: Analysis) -> Measurement:
        asked = a.discovery.spin[category]
        if asked:
            return Measurement(True, f"asked {len(asked)} {label} question(s)", _qrefs(asked))
        return Measurement(False, f"no {label} question was asked")
    return measure


def _spin_count(category: str, label: str) -> Measure:
    def measure(a: Analysis) -> Measurement:
        asked = a.discovery.spin[category]
        return Measurement(float(len(asked)), f"{len(asked)} {label} question(s)", _qrefs(asked))
    return measure


def _element_check(element: str, label: str) -> Measure:
    def measure(a: Analysis) -> Measurement:
        ref = a.discovery.meddpicc[element]
        if ref is None:
            return Measurement(False, f"{label} never came up")
        return Measurement(True, f"{label} came up", [ref])
    return measure


def _behaviour_check(attribute: str, yes: str, no: str) -> Measure:
    def measure(a: Analysis) -> Measurement:
        ref = getattr(a.behaviours, attribute)
        return Measurement(ref is not None, yes if ref is not None else no,
                           [ref] if ref is not None else [])
    return measure


def _objection_flag(flag: str, yes: str, no: str) -> Measure:
    """True if any objection shows ``flag`` (caved/defensive/ignored); None without objections."""
    def measure(a: Analysis) -> Measurement:
        if not a.objections:
            return Measurement(None, "no objection was raised")
        hits = [o for o in a.objections if getattr(o, flag)]
        refs = [o.step_refs.get(flag) or Ref(o.reply_turns[0] if o.reply_turns else o.buyer_turn)
                for o in hits]
        if hits:
            return Measurement(True, yes.format(n=len(hits), total=len(a.objections)), refs)
        replies = [Ref(o.reply_turns[0]) for o in a.objections if o.reply_turns]
        return Measurement(False, no.format(total=len(a.objections)), replies)
    return measure


def _objection_score(a: Analysis) -> Measurement:
    if not a.objections:
        return Measurement(None, "no objection was raised")
    mean = sum(o.score for o in a.objections) / len(a.objections)
    parts = [f"{o.category} {o.score}" for o in a.objections]
    refs = [Ref(o.buyer_turn, o.quote) for o in a.objections]
    return Measurement(round(mean, 1), "LAER(C) score per objection: " + ", ".join(parts), refs)


def _objections_resolved(a: Analysis) -> Measurement:
    if not a.objections:
        return Measurement(None, "no objection was raised")
    resolved = [o for o in a.objections if o.resolved]
    refs = [o.resolution for o in resolved if o.resolution is not None]
    return Measurement(len(resolved) / len(a.objections),
                       f"{len(resolved)} of {len(a.objections)} objection(s) resolved", refs)


def _laer_step(step: str, label: str) -> Measure:
    def measure(a: Analysis) -> Measurement:
        judged = [o for o in a.objections if o.steps.get(step) is not None]
        if not judged:
            return Measurement(None, "no objection was raised" if not a.objections
                               else f"'{label}' cannot be judged without timestamps")
        done = [o for o in judged if o.steps[step]]
        refs = [o.step_refs[step] for o in done if step in o.step_refs]
        return Measurement(len(done) / len(judged),
                           f"{label} on {len(done)} of {len(judged)} objection(s)", refs)
    return measure


def _meddpicc_coverage(a: Analysis) -> Measurement:
    covered = a.discovery.meddpicc_covered
    refs = [ref for ref in a.discovery.meddpicc.values() if ref is not None]
    missing = [e for e in MEDDPICC if e not in covered]
    text = f"{len(covered)} of {len(MEDDPICC)} MEDDPICC elements covered"
    if missing:
        text += f" (missing: {', '.join(missing)})"
    return Measurement(len(covered) / len(MEDDPICC), text, refs)


def _spin_categories(a: Analysis) -> Measurement:
    used = [c for c, qs in a.discovery.spin.items() if qs]
    refs = [Ref(qs[0].turn, qs[0].span) for qs in a.discovery.spin.values() if qs]
    return Measurement(float(len(used)), f"SPIN categories used: {', '.join(used) or 'none'}", refs)


def _facts_uncovered(a: Analysis) -> Measurement:
    d = a.discovery
    if d.uses_events:
        refs = [Ref(f.question.turn, f.question.span) if f.question else Ref(f.rep_turn)
                for f in d.facts if f.rep_turn is not None]
        names = ", ".join(f.fact for f in d.facts) or "none"
        return Measurement(float(d.uncovered_count), f"hidden facts uncovered: {names}", refs)
    found = [s for s in d.statements if s.prompted_by is not None]
    refs = [Ref(s.turn, s.span) for s in found]
    return Measurement(float(d.uncovered_count),
                       f"{d.uncovered_count} pain/need/constraint statement(s) drawn out by "
                       "questions", refs)


def _open_questions(a: Analysis) -> Measurement:
    asked = [q for q in a.questions if q.kind == "open"]
    return Measurement(float(len(asked)), f"{len(asked)} open question(s)", _qrefs(asked))


def _trust_final(a: Analysis) -> Measurement:
    changes = [e for e in a.transcript.events if e.type == "trust_changed"]
    if not changes:
        return Measurement(None, "no trust events (a real call, or trust never moved)")
    last = changes[-1]
    refs = [Ref(e.turn) for e in changes if e.turn is not None and (e.get("delta") or 0) != 0]
    return Measurement(float(last.get("trust")), f"buyer trust ended at {last.get('trust')}",
                       refs[-3:])


CHECKS: dict[str, Measure] = {
    "asked_problem_question": _spin_check("problem", "problem"),
    "asked_implication_question": _spin_check("implication", "implication"),
    "asked_need_payoff_question": _spin_check("need_payoff", "need-payoff"),
    "asked_about_decision_process": _element_check("decision_process", "the decision process"),
    "asked_about_budget": _element_check("economic_buyer", "budget / the economic buyer"),
    "asked_about_competition": _element_check("competition", "competition"),
    "asked_about_timeline": _behaviour_check("timing_ask", "asked about timing",
                                             "never asked about timing or a deadline"),
    "asked_to_quantify": _behaviour_check("quantify_ask", "asked the buyer to quantify the cost",
                                          "never asked the buyer to put a number on the problem"),
    "quantified_impact": _behaviour_check("quantified_impact", "the buyer put a number on the "
                                          "cost of the problem", "the cost of the problem was "
                                          "never quantified"),
    "set_agenda": _behaviour_check("agenda", "set an agenda early", "no agenda was set at the "
                                   "start"),
    "told_customer_story": _behaviour_check("story", "told a customer story",
                                            "no customer story was told"),
    "story_has_numbers": _behaviour_check("story_numbers", "the story has a concrete result",
                                          "no story with a concrete, numeric result"),
    "story_matches_pain": _behaviour_check("story_matches_pain", "the story echoes the buyer's "
                                           "own words", "no story tied to the buyer's situation"),
    "summarised_needs": _behaviour_check("summary", "played back what the buyer said",
                                         "never summarised what the buyer said"),
    "proposed_next_step": _behaviour_check("next_step", "proposed a next step",
                                           "no next step was proposed"),
    "next_step_has_date": _behaviour_check("next_step_date", "the next step has a date/time",
                                           "no specific date or time for a next step"),
    "buyer_agreed_next_step": _behaviour_check("agreed", "the buyer agreed to a next step",
                                               "the buyer did not agree to a next step"),
    "pushy_close": _behaviour_check("pushy", "pushed for a close the buyer was not ready for",
                                    "no pushy close"),
    "caved_on_price": _objection_flag("caved", "offered a concession before exploring on "
                                      "{n} of {total} objection(s)",
                                      "no concession before exploring ({total} objection(s))"),
    "defensive_reply": _objection_flag("defensive", "defensive reply to {n} of {total} "
                                       "objection(s)", "no defensive reply ({total} objection(s))"),
    "ignored_objection": _objection_flag("ignored", "ignored {n} of {total} objection(s)",
                                         "every objection got an answer ({total})"),
}

SIGNALS: dict[str, Measure] = {
    "spin_categories": _spin_categories,
    "problem_questions": _spin_count("problem", "problem"),
    "implication_questions": _spin_count("implication", "implication"),
    "need_payoff_questions": _spin_count("need_payoff", "need-payoff"),
    "open_questions": _open_questions,
    "meddpicc_coverage": _meddpicc_coverage,
    "facts_uncovered": _facts_uncovered,
    "objection_score": _objection_score,
    "objections_resolved": _objections_resolved,
    "trust_final": _trust_final,
    **{f"objections_{step}": _laer_step(step, step) for step in STEPS},
}
