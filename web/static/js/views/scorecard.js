// Scorecard view: competencies, criteria, evidence quotes that seek the replay, overrides.
import { api } from "../api.js";
import { clock, h, scoreClass, scoreColor, scoreText, toast } from "../dom.js";

export function evidenceMarkers(scorecard) {
  const markers = [];
  for (const [cid, comp] of Object.entries((scorecard && scorecard.competencies) || {})) {
    for (const crit of comp.criteria || []) {
      for (const ev of crit.evidence || []) markers.push({ kind: "evidence", t: ev.start, label: `${comp.name || cid}: ${crit.name || crit.id}` });
    }
  }
  return markers;
}

export function renderScorecard(session, { seek, onChanged }) {
  const card = session.scorecard;
  if (!card) {
    return h("div", { class: "alert" }, session.status_detail || "This session has not been scored.");
  }
  const box = h("div", { id: "scorecard" });
  for (const w of card.warnings || []) box.append(h("div", { class: "alert small" }, w));
  for (const [cid, comp] of Object.entries(card.competencies || {})) {
    const bar = h("div", { class: "bar" }, h("div"));
    const observed = comp.assessed !== false;
    bar.firstChild.style.width = `${observed ? comp.score ?? 0 : 0}%`;
    bar.firstChild.style.background = scoreColor(comp.score).replace(/(\d+)%\)$/, "45%)");
    const section = h("section", { class: "competency", dataset: { competency: cid } },
      h("div", { class: "competency-head" },
        h("h3", {}, comp.name || cid.replace(/_/g, " ")), bar,
        h("span", { class: `score ${observed ? scoreClass(comp.score) : ""}` }, observed ? scoreText(comp.score) : "–"),
        h("span", { class: "badge" }, observed ? comp.level : "Not observed")),
      !observed && comp.explanation ? h("div", { class: "expl muted small" }, comp.explanation) : null);
    for (const crit of comp.criteria || []) section.append(renderCriterion(session, cid, crit, { seek, onChanged }));
    box.append(section);
  }
  return box;
}

function renderCriterion(session, cid, crit, { seek, onChanged }) {
  const el = h("div", { class: "criterion", dataset: { criterion: crit.id } },
    h("div", { class: "row" }, h("strong", {}, crit.name || crit.id.replace(/_/g, " ")), h("span", { class: "spacer" }),
      crit.score === null || crit.assessed === false
        ? h("span", { class: "score muted", title: "not observed on this call" }, "n/a")
        : h("span", { class: `score ${scoreClass(crit.score)}` }, scoreText(crit.score))),
    h("div", { class: "expl" }, crit.explanation),
    (crit.evidence || []).map((ev) => h("button", { class: "quote", dataset: { start: ev.start }, onclick: () => seek(ev.start) },
      h("span", { class: "at" }, `${clock(ev.start)} ${ev.speaker === "rep" ? "Rep" : "Buyer"}`), `“${ev.quote}”`)),
    crit.override ? h("div", { class: "override-note" },
      `Overridden from ${scoreText(crit.override.original_score)} by ${crit.override.by || "a reviewer"}: ${crit.override.reason}`) : null);
  if (session.can_review) {
    const form = overrideForm(session, cid, crit, onChanged);
    form.hidden = true;
    el.append(h("button", { class: "small ghost", onclick: () => { form.hidden = !form.hidden; } }, "Override score"), form);
  }
  return el;
}

function overrideForm(session, cid, crit, onChanged) {
  const score = h("input", { type: "number", min: 0, max: 100, value: crit.score ?? "", required: true, name: "score" });
  const reason = h("input", { placeholder: "Why? (kept with the score)", required: true, minlength: 3, name: "reason" });
  return h("form", { class: "inline-fields", onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api(`/api/sessions/${session.id}/overrides`, { method: "POST", body: { competency: cid, criterion: crit.id, score: Number(score.value), reason: reason.value } });
      toast("Score overridden");
      onChanged();
    } catch (error) { toast(error.message, "error"); }
  } },
  h("div", { class: "field" }, h("label", {}, "New score"), score),
  h("div", { class: "field grow" }, h("label", {}, "Reason"), reason),
  h("button", { class: "primary small", type: "submit" }, "Save"));
}

export function renderMetrics(card) {
  const metrics = (card && card.metrics) || {};
  const ranges = (card && card.metric_ranges) || {};
  const rows = Object.entries(metrics).filter(([, v]) => v !== null && v !== undefined && typeof v !== "object");
  if (!rows.length) return h("div", { class: "muted" }, "No metrics.");
  return h("table", { id: "metrics" },
    h("thead", {}, h("tr", {}, h("th", {}, "Metric"), h("th", {}, "Value"), h("th", {}, "Reference"))),
    h("tbody", {}, rows.map(([key, value]) => {
      const range = ranges[key] || {};
      return h("tr", {},
        h("td", {}, range.label || key.replace(/_/g, " ")),
        h("td", { class: "score" }, typeof value === "number" ? String(Math.round(value * 100) / 100) : String(value)),
        h("td", { class: "muted small" }, range.reference || range.range || range.text || ""));
    })));
}
