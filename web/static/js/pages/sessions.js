// Session history (own sessions) and the team session list with filters and exports.
import { api } from "../api.js";
import { clear, clock, h, pageHead, scoreClass, scoreText, when } from "../dom.js";

const STATUS = { scored: "Scored", unscored: "Not scored", failed: "Failed", live: "Live", pending: "Not started" };

export async function render(main, ctx) {
  const role = ctx.me.user.role;
  const team = (role === "manager" || role === "admin") && ctx.query.get("scope") === "team";
  const [scenarios, users] = await Promise.all([
    api("/api/scenarios"),
    team ? api("/api/users") : Promise.resolve([]),
  ]);
  const fields = {
    rep_id: team ? h("select", { id: "f-rep" }, h("option", { value: "" }, "All reps"), users.filter((u) => u.id !== ctx.me.user.id).map((u) => h("option", { value: u.id }, u.display_name))) : null,
    persona_id: h("select", { id: "f-persona" }, h("option", { value: "" }, "All personas"), scenarios.map((s) => h("option", { value: s.card.id }, s.card.name))),
    passed: h("select", { id: "f-passed" }, h("option", { value: "" }, "Any result"), h("option", { value: "true" }, "Passed"), h("option", { value: "false" }, "Not passed")),
    min_score: h("input", { id: "f-min", type: "number", min: 0, max: 100, placeholder: "0" }),
    since: h("input", { id: "f-since", type: "date" }),
    until: h("input", { id: "f-until", type: "date" }),
  };
  const body = h("tbody");
  const csv = h("a", { class: "button", id: "export-csv", download: "scores.csv" }, "Export CSV");
  const json = h("a", { class: "button", id: "export-json", download: "scores.json" }, "Export JSON");

  function params() {
    const q = new URLSearchParams();
    for (const [key, el] of Object.entries(fields)) {
      if (!el || !el.value) continue;
      if (key === "since") q.set(key, `${el.value}T00:00:00Z`);
      else if (key === "until") q.set(key, `${el.value}T23:59:59Z`);
      else q.set(key, el.value);
    }
    if (!team) q.set("rep_id", ctx.me.user.id);
    return q;
  }

  async function load() {
    const q = params();
    csv.href = `/api/export/scores.csv?${q}`;
    json.href = `/api/export/scores.json?${q}`;
    const rows = await api(`/api/sessions?${q}`);
    clear(body);
    if (!rows.length) body.append(h("tr", {}, h("td", { colspan: team ? 7 : 6, class: "empty" }, team ? "No sessions match these filters." : "No sessions yet — start one from Scenarios.")));
    for (const s of rows) {
      body.append(h("tr", { class: "clickable", dataset: { session: s.id }, onclick: () => ctx.navigate(`/sessions/${s.id}`) },
        h("td", {}, h("a", { href: `/sessions/${s.id}` }, when(s.started_at))),
        team ? h("td", {}, s.rep.name) : null,
        h("td", {}, s.persona_name || s.persona_id),
        h("td", {}, clock(s.duration_s)),
        h("td", {}, h("span", { class: `score ${scoreClass(s.overall)}` }, scoreText(s.overall))),
        h("td", {}, s.passed === null ? "–" : h("span", { class: `badge ${s.passed ? "good" : "bad"}` }, s.passed ? "Passed" : "Not passed")),
        h("td", { class: "muted small" }, STATUS[s.status] || s.status)));
    }
  }

  for (const el of Object.values(fields)) if (el) el.addEventListener("change", load);
  const labelled = (text, el) => (el ? h("div", { class: "field" }, h("label", { for: el.id }, text), el) : null);
  main.append(
    pageHead(team ? "Team sessions" : "My sessions", team ? "Every session of the reps you manage." : "Your practice calls, newest first.", csv, json),
    h("div", { class: "panel filters" },
      h("div", { class: "inline-fields" },
        labelled("Rep", fields.rep_id), labelled("Persona", fields.persona_id), labelled("Result", fields.passed),
        labelled("Min score", fields.min_score), labelled("From", fields.since), labelled("To", fields.until))),
    h("div", { class: "panel", id: "session-list" },
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "When"), team ? h("th", {}, "Rep") : null, h("th", {}, "Persona"), h("th", {}, "Length"), h("th", {}, "Score"), h("th", {}, "Result"), h("th", {}, "Status"))), body)));
  await load();
}
