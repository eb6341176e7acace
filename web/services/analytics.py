"""Team analytics and exports, computed from effective (override-applied) scorecards."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from web.db.models import Call
from web.services.overrides import apply_overrides

RECENT_SESSIONS = 10
"""The heatmap averages each rep's most recent sessions, so it shows the current state."""


def competency_scores(call: Call) -> dict[str, float]:
    """Competency id -> effective score (assessed competencies only)."""
    card = apply_overrides(call.scorecard, call.overrides) or {}
    return {
        cid: float(c["score"])
        for cid, c in (card.get("competencies") or {}).items()
        if isinstance(c.get("score"), (int, float)) and c.get("assessed", True) is not False
    }


def competency_names(calls: Iterable[Call]) -> dict[str, str]:
    names: dict[str, str] = {}
    for call in calls:
        for cid, c in ((call.scorecard or {}).get("competencies") or {}).items():
            names.setdefault(cid, c.get("name") or cid.replace("_", " ").capitalize())
    return names


def heatmap(calls_by_rep: dict[int, list[Call]]) -> dict[str, Any]:
    """Reps x competencies: mean of each rep's recent sessions, plus counts and trend points.

    ``calls_by_rep`` lists each rep's scored calls, newest first.
    """
    all_calls = [c for calls in calls_by_rep.values() for c in calls]
    names = competency_names(all_calls)
    rows = {}
    for rep_id, calls in calls_by_rep.items():
        recent = calls[:RECENT_SESSIONS]
        sums: dict[str, list[float]] = defaultdict(list)
        for call in recent:
            for cid, value in competency_scores(call).items():
                sums[cid].append(value)
        rows[rep_id] = {
            "sessions": len(calls),
            "competencies": {cid: round(sum(v) / len(v), 1) for cid, v in sums.items()},
            "overall": _mean([c.overall for c in recent]),
            "trend": [
                {"at": c.started_at.isoformat(), "overall": c.overall, "session": c.id}
                for c in reversed(calls[: RECENT_SESSIONS * 2])
                if c.overall is not None
            ],
        }
    team = {
        cid: _mean([row["competencies"].get(cid) for row in rows.values()]) for cid in names
    }
    return {"competencies": names, "rows": rows, "team": team}


def weekly_trend(calls: Iterable[Call]) -> list[dict[str, Any]]:
    """Mean overall score per ISO week (oldest first), for the team trend chart."""
    weeks: dict[str, list[float]] = defaultdict(list)
    for call in calls:
        if call.overall is not None:
            year, week, _ = call.started_at.isocalendar()
            weeks[f"{year}-W{week:02d}"].append(call.overall)
    return [
        {"week": week, "overall": round(sum(v) / len(v), 1), "sessions": len(v)}
        for week, v in sorted(weeks.items())
    ]


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def export_rows(calls: list[Call]) -> list[dict[str, Any]]:
    """One JSON object per session with competency and criterion scores."""
    rows = []
    for call in calls:
        card = apply_overrides(call.scorecard, call.overrides) or {}
        competencies = card.get("competencies") or {}
        rows.append(
            {
                "session_id": call.id,
                "rep_id": call.user_id,
                "rep": call.user.display_name,
                "rep_username": call.user.username,
                "persona": call.persona_id,
                "scorecard": call.scorecard_id,
                "started_at": call.started_at.isoformat(),
                "duration_s": call.duration_s,
                "status": call.status.value,
                "overall": card.get("overall"),
                "passed": card.get("passed"),
                "overridden": bool(card.get("overridden")),
                "competencies": {cid: _assessed(c) for cid, c in competencies.items()},
                "criteria": {
                    f"{cid}.{crit.get('id')}": _assessed(crit)
                    for cid, c in competencies.items()
                    for crit in c.get("criteria") or []
                },
                "metrics": card.get("metrics") or {},
            }
        )
    return rows


def _assessed(item: dict[str, Any]) -> Any:
    """The score, or None where the evaluator could not observe it (blank, not 0, in exports)."""
    return None if item.get("assessed", True) is False else item.get("score")


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas (CSV injection): text starting =, +, -, @ is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def export_csv(rows: list[dict[str, Any]]) -> str:
    """The export as CSV: fixed columns, then one column per competency and criterion."""
    fixed = [
        "session_id", "rep_id", "rep", "rep_username", "persona", "scorecard",
        "started_at", "duration_s", "status", "overall", "passed", "overridden",
    ]
    competencies = sorted({k for r in rows for k in r["competencies"]})
    criteria = sorted({k for r in rows for k in r["criteria"]})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(fixed + [f"competency:{c}" for c in competencies] + [f"criterion:{c}" for c in criteria])
    for row in rows:
        writer.writerow(
            [_cell(row[k]) for k in fixed]
            + [_cell(row["competencies"].get(c)) for c in competencies]
            + [_cell(row["criteria"].get(c)) for c in criteria]
        )
    return buffer.getvalue()
