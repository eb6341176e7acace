"""JSON for the extension keys of a result: discovery detail, objections, metric ranges."""

from __future__ import annotations

from typing import Any

from evaluation.evidence import Ref, to_evidence
from evaluation.metrics import ConversationMetrics
from evaluation.objections import STEPS
from evaluation.references import REFERENCE_RANGES
from evaluation.signals import Analysis


def _ev(analysis: Analysis, ref: Ref | None) -> dict[str, Any] | None:
    return to_evidence(analysis.transcript, ref).model_dump() if ref is not None else None


def discovery_detail(analysis: Analysis) -> dict[str, Any]:
    d = analysis.discovery
    out: dict[str, Any] = {
        "spin": {category: len(asked) for category, asked in d.spin.items()},
        "questions": [
            {**_ev(analysis, Ref(q.turn, q.span)), "kind": q.kind, "spin": q.spin,  # type: ignore[dict-item]
             "meddpicc": list(q.meddpicc)}
            for q in analysis.questions
        ],
        "meddpicc": {element: _ev(analysis, ref) for element, ref in d.meddpicc.items()},
        "meddpicc_coverage": round(len(d.meddpicc_covered) / len(d.meddpicc), 2),
        "uses_events": d.uses_events,
        "uncovered": d.uncovered_count,
    }
    if d.uses_events:
        out["facts"] = [
            {"fact": f.fact, "category": f.category,
             "question": _ev(analysis, Ref(f.question.turn, f.question.span) if f.question
                             else (Ref(f.rep_turn) if f.rep_turn is not None else None)),
             "revealed_in": _ev(analysis, Ref(f.buyer_turn) if f.buyer_turn is not None else None)}
            for f in d.facts
        ]
    else:
        out["statements"] = [
            {"kind": s.kind, "evidence": _ev(analysis, Ref(s.turn, s.span)),
             "prompted_by": _ev(analysis, Ref(s.prompted_by.turn, s.prompted_by.span)
                                if s.prompted_by else None)}
            for s in d.statements
        ]
    return out


def objections_detail(analysis: Analysis) -> list[dict[str, Any]]:
    out = []
    for o in analysis.objections:
        out.append({
            "id": o.id,
            "category": o.category,
            "source": o.source,
            "raised": _ev(analysis, Ref(o.buyer_turn, o.quote)),
            "reply_turns": o.reply_turns,
            "steps": {step: o.steps.get(step) for step in STEPS},
            "step_evidence": {name: _ev(analysis, ref) for name, ref in o.step_refs.items()},
            "caved": o.caved,
            "defensive": o.defensive,
            "ignored": o.ignored,
            "resolved": o.resolved,
            "resolution": _ev(analysis, o.resolution),
            "score": o.score,
            "notes": o.notes,
        })
    return out


def metric_ranges(metrics: ConversationMetrics) -> dict[str, dict[str, Any]]:
    out = {}
    for key, reference in REFERENCE_RANGES.items():
        value = metrics.values.get(key, metrics.extra.get(key))
        out[key] = {
            "label": reference.label, "low": reference.low, "high": reference.high,
            "unit": reference.unit, "range": reference.describe(),
            "status": reference.status(value if isinstance(value, int | float) else None),
            "note": reference.note, "source": reference.source,
        }
    return out
