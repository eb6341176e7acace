// Manager dashboard: reps x competencies heatmap, per-rep trends, weekly team trend, exports.
import { api } from "../api.js";
import { h, pageHead, scoreColor, scoreText } from "../dom.js";
import { lineChart, sparkline } from "../views/charts.js";

export async function render(main, ctx) {
  const data = await api("/api/team/dashboard");
  const ids = Object.keys(data.competencies);
  const sessions = data.reps.reduce((n, r) => n + r.sessions, 0);
  const scored = data.reps.filter((r) => r.overall !== null);
  const average = scored.length ? scored.reduce((n, r) => n + r.overall, 0) / scored.length : null;
  const weakest = ids.filter((id) => data.team[id] !== null).sort((a, b) => data.team[a] - data.team[b])[0];
  main.append(pageHead("Team dashboard", "Average of each rep's 10 most recent scored sessions.",
    h("a", { class: "button", href: "/sessions?scope=team" }, "All sessions"),
    h("a", { class: "button", href: "/api/export/scores.csv", download: "scores.csv" }, "Export CSV"),
    h("a", { class: "button", href: "/api/export/scores.json", download: "scores.json" }, "Export JSON")));
  main.append(h("div", { class: "kpis" },
    kpi(data.reps.length, "reps"), kpi(sessions, "scored sessions"), kpi(scoreText(average), "average score"),
    kpi(weakest ? data.competencies[weakest] : "–", "weakest competency")));
  if (!data.reps.length) {
    main.append(h("div", { class: "panel empty" }, "No reps in your teams yet. An admin assigns reps to teams under Admin."));
    return;
  }
  const head = h("tr", {}, h("th", {}, "Rep"), ids.map((id) => h("th", {}, data.competencies[id])), h("th", {}, "Overall"), h("th", {}, "Trend"), h("th", {}, "Sessions"));
  const rows = data.reps.map((rep) => h("tr", { class: "clickable", dataset: { rep: rep.id }, onclick: () => ctx.navigate(`/profile/${rep.id}`) },
    h("td", {}, h("a", { href: `/profile/${rep.id}` }, rep.name), rep.team ? h("div", { class: "muted small" }, rep.team) : null),
    ids.map((id) => cell(rep.competencies[id])),
    cell(rep.overall),
    h("td", {}, sparkline(rep.trend.map((p) => p.overall))),
    h("td", {}, rep.sessions)));
  const teamRow = h("tr", {}, h("td", {}, h("strong", {}, "Team")), ids.map((id) => cell(data.team[id])), h("td"), h("td"), h("td"));
  main.append(
    h("div", { class: "panel filters" }, h("h2", {}, "Skills heatmap"),
      h("div", { class: "scroll-x" }, h("table", { class: "heat", id: "heatmap" }, h("thead", {}, head), h("tbody", {}, rows, teamRow)))),
    h("div", { class: "panel" }, h("h2", {}, "Team trend (weekly average)"),
      lineChart(data.weekly.map((w) => ({ value: w.overall, label: w.week })), { label: "Weekly team average" })));
}

function kpi(value, label) {
  return h("div", { class: "panel kpi" }, h("div", { class: "v" }, value), h("div", { class: "l" }, label));
}

function cell(score) {
  const td = h("td", { class: `cell ${score === null || score === undefined ? "none" : ""}` }, scoreText(score));
  td.style.background = scoreColor(score);
  return td;
}
