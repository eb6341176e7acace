"""Readable reports of a :class:`ScoreResult`: Markdown for the terminal, HTML for the web app.

Both show the same things in the same order: the verdict and why scores may be
low, each competency with every criterion's score, explanation and verbatim
quotes (speaker and time), the objections step by step, what discovery found,
and the conversation metrics against their published reference ranges.
"""

from __future__ import annotations

import html
from typing import Any

from evaluation.evidence import Evidence
from evaluation.objections import STEPS
from evaluation.result import CompetencyResult, CriterionResult, ScoreResult

_METRIC_FORMAT = {"talk_ratio": "{:.0%}", "open_question_ratio": "{:.0%}"}
NOT_OBSERVED = "not observed"


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "untimed"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def _where(ev: Evidence | dict[str, Any]) -> str:
    data = ev.model_dump() if isinstance(ev, Evidence) else ev
    return f"{data['speaker'].upper()}, turn {data['turn']}, {_clock(data['start'])}"


def _value(key: str, value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return _METRIC_FORMAT.get(key, "{:g}").format(value)
    return str(value)


def _mark(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "no")


def _competency_cells(comp: CompetencyResult) -> tuple[str, str]:
    """Score and level as a person should read them: "not observed" rather than a 0."""
    return (str(comp.score), comp.level) if comp.assessed else ("—", NOT_OBSERVED)


def _heading(comp: CompetencyResult) -> str:
    return f"{comp.score}/100, {comp.level}" if comp.assessed else NOT_OBSERVED


def _criterion_line(crit: CriterionResult) -> str:
    """Score and explanation; an unassessed one shows only its explanation ("not observed, ...")."""
    if not crit.assessed:
        return crit.explanation
    judge = " (LLM judge)" if crit.source == "judge" else ""
    return f"{crit.score}{judge} — {crit.explanation}"


def _verdict(result: ScoreResult) -> str:
    card = result.scorecard
    state = "PASSED" if result.passed else "NOT PASSED"
    return (f"{result.overall}/100 — {state} (pass mark {card.get('pass_mark', '?'):g}, "
            f"scorecard {card.get('name', card.get('id', '?'))})")


def _metric_rows(result: ScoreResult) -> list[tuple[str, str, str, str, str]]:
    rows = []
    values = {**result.metrics.model_dump()}
    values["question_spread"] = result.metric_extras.get("question_spread")
    for key, value in values.items():
        ref = result.metric_ranges.get(key, {})
        rows.append((ref.get("label", key), _value(key, value), ref.get("range", ""),
                     ref.get("status", ""), ref.get("note", "")))
    return rows


def render_markdown(result: ScoreResult) -> str:
    """The report as Markdown (what ``run_agent.py score FILE`` prints)."""
    out = [f"# Call scorecard: {_verdict(result)}", ""]
    if result.persona:
        out += [f"Persona: `{result.persona}` · kind: {result.kind}", ""]
    for warning in result.warnings:
        out.append(f"> **Note:** {warning}")
    if result.warnings:
        out.append("")
    out += ["| competency | score | level |", "|---|---|---|"]
    for cid, comp in result.competencies.items():
        score, level = _competency_cells(comp)
        out.append(f"| {comp.name or cid} | {score} | {level} |")
    out.append("")
    for cid, comp in result.competencies.items():
        out += [f"## {comp.name or cid} — {_heading(comp)}", ""]
        if not comp.assessed:
            out += [comp.explanation, ""]
        for crit in comp.criteria:
            out.append(f"- **{crit.name or crit.id}**: {_criterion_line(crit)}")
            for ev in crit.evidence:
                out.append(f"  - “{ev.quote}” — {_where(ev)}")
        out.append("")
    if result.objections:
        out += ["## Objections", "",
                "| objection | " + " | ".join(STEPS) + " | caved | resolved | score |",
                "|---" * (len(STEPS) + 4) + "|"]
        for o in result.objections:
            steps = " | ".join(_mark(o["steps"].get(step)) for step in STEPS)
            out.append(f"| {o['category']} ({o['id']}) | {steps} | {_mark(o['caved'])} | "
                       f"{_mark(o['resolved'])} | {o['score']} |")
        out.append("")
        for o in result.objections:
            if o["raised"]:
                out.append(f"- {o['category']}: “{o['raised']['quote']}” — {_where(o['raised'])}")
        out.append("")
    out += _discovery_markdown(result.discovery_detail)
    out += ["## Conversation metrics", "", "| metric | value | reference | status | note |",
            "|---|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in _metric_rows(result)]
    if result.unavailable_metrics:
        out += ["", f"Unavailable: {', '.join(result.unavailable_metrics)}."]
    return "\n".join(out) + "\n"


def _discovery_markdown(detail: dict[str, Any]) -> list[str]:
    if not detail:
        return []
    spin = ", ".join(f"{k.replace('_', '-')} {v}" for k, v in detail["spin"].items())
    covered = [k for k, v in detail["meddpicc"].items() if v]
    out = ["## Discovery", "", f"- SPIN questions: {spin}",
           f"- MEDDPICC covered: {', '.join(covered) or 'none'} "
           f"({detail['meddpicc_coverage']:.0%})"]
    for fact in detail.get("facts", []):
        asked = fact["question"]
        how = f" by “{asked['quote']}” ({_where(asked)})" if asked else ""
        out.append(f"- uncovered `{fact['fact']}` ({fact['category']}){how}")
    for statement in detail.get("statements", []):
        ev = statement["evidence"]
        out.append(f"- buyer {statement['kind']}: “{ev['quote']}” — {_where(ev)}")
    return out + [""]


_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem} h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} .pass{color:#1a7f37} .fail{color:#b42318}
.note{background:#fff8e1;padding:.5rem;border-left:4px solid #f0b400}
blockquote{margin:.2rem 0 .2rem 1rem;color:#444} .where{color:#777;font-size:.85em}
.lvl-Excellent{color:#1a7f37}.lvl-Proficient{color:#2f6feb}.lvl-Developing{color:#b26a00}
.lvl-Needs{color:#b42318} .lvl-none,.muted{color:#777}
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def _quote_html(ev: Evidence | dict[str, Any]) -> str:
    quote = ev.quote if isinstance(ev, Evidence) else ev["quote"]
    return f"<blockquote>“{_e(quote)}” <span class='where'>{_e(_where(ev))}</span></blockquote>"


def render_html(result: ScoreResult, *, title: str = "Call scorecard") -> str:
    """A self-contained HTML page (no scripts, no external assets) for the web app."""
    verdict_class = "pass" if result.passed else "fail"
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}"
             f"</title><style>{_CSS}</style></head><body>",
             f"<h1>{_e(title)}: <span class='{verdict_class}'>{_e(_verdict(result))}</span></h1>"]
    parts += [f"<p class='note'>{_e(w)}</p>" for w in result.warnings]
    parts.append("<table><tr><th>competency</th><th>score</th><th>level</th></tr>")
    for cid, comp in result.competencies.items():
        score, level = _competency_cells(comp)
        level_class = f"lvl-{comp.level.split()[0]}" if comp.assessed else "lvl-none"
        parts.append(f"<tr><td>{_e(comp.name or cid)}</td><td>{_e(score)}</td>"
                     f"<td class='{level_class}'>{_e(level)}</td></tr>")
    parts.append("</table>")
    for cid, comp in result.competencies.items():
        parts.append(f"<h2 id='{_e(cid)}'>{_e(comp.name or cid)} — {_e(_heading(comp))}</h2>")
        if not comp.assessed:
            parts.append(f"<p class='muted'>{_e(comp.explanation)}</p>")
        parts.append("<ul>")
        for crit in comp.criteria:
            parts.append(f"<li><b>{_e(crit.name or crit.id)}</b>: {_e(_criterion_line(crit))}")
            parts += [_quote_html(ev) for ev in crit.evidence]
            parts.append("</li>")
        parts.append("</ul>")
    if result.objections:
        head = "".join(f"<th>{_e(s)}</th>" for s in (*STEPS, "caved", "resolved", "score"))
        parts.append(f"<h2>Objections</h2><table><tr><th>objection</th>{head}</tr>")
        for o in result.objections:
            cells = [_mark(o["steps"].get(step)) for step in STEPS]
            cells += [_mark(o["caved"]), _mark(o["resolved"]), o["score"]]
            raised = _quote_html(o["raised"]) if o["raised"] else ""
            parts.append(f"<tr><td>{_e(o['category'])}{raised}</td>"
                         + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    detail = result.discovery_detail
    if detail:
        spin = ", ".join(f"{k.replace('_', '-')} {v}" for k, v in detail["spin"].items())
        covered = [k for k, v in detail["meddpicc"].items() if v]
        parts.append(f"<h2>Discovery</h2><p>SPIN questions: {_e(spin)}<br>MEDDPICC covered: "
                     f"{_e(', '.join(covered) or 'none')}</p><ul>")
        for fact in detail.get("facts", []):
            asked = _quote_html(fact["question"]) if fact["question"] else ""
            parts.append(f"<li>uncovered <code>{_e(fact['fact'])}</code> "
                         f"({_e(fact['category'])}){asked}</li>")
        for statement in detail.get("statements", []):
            parts.append(f"<li>buyer {_e(statement['kind'])}{_quote_html(statement['evidence'])}"
                         "</li>")
        parts.append("</ul>")
    parts.append("<h2>Conversation metrics</h2><table><tr><th>metric</th><th>value</th>"
                 "<th>reference</th><th>status</th><th>note</th></tr>")
    for row in _metric_rows(result):
        parts.append("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts)
