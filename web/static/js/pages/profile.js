// Skill profile: competency levels with trends, score history chart, practice plan, coaching notes.
import { api } from "../api.js";
import { h, pageHead, when, clock } from "../dom.js";
import { competencyBars, lineChart } from "../views/charts.js";

export async function render(main, ctx) {
  const own = !ctx.params.userId;
  const profile = await api(own ? "/api/profile" : `/api/profile/${ctx.params.userId}`);
  main.append(pageHead(own ? "Skill profile" : `Skill profile · ${profile.rep.name}`,
    `${profile.sessions} scored session${profile.sessions === 1 ? "" : "s"} · recent sessions weigh more`,
    h("a", { class: "button primary", href: "/practice" }, own ? "Practise now" : "Scenarios")));
  for (const warning of profile.warnings || []) main.append(h("div", { class: "alert small filters" }, warning));
  if (!profile.sessions) {
    main.append(h("div", { class: "panel empty" }, "No scored sessions yet. Finish a practice call to see the profile."));
    return;
  }
  const name = (id) => (profile.competencies[id] || {}).name || id.replace(/_/g, " ");
  const competencies = Object.entries(profile.competencies).map(([id, c]) => ({ id, name: c.name, score: c.score, level: c.level, trend: c.trend }));
  const plan = h("div", { id: "practice-plan" }, profile.practice_plan.map((item) => h("div", { class: "plan-item" },
    h("div", { class: "row" }, h("strong", {}, name(item.competency)), item.persona_id ? h("span", { class: `badge ${item.difficulty || ""}` }, item.difficulty) : null,
      h("span", { class: "spacer" }), own && item.persona_id ? h("a", { class: "button small primary", href: `/call/${item.persona_id}` }, `Practise with ${item.persona_name}`) : null),
    h("p", { class: "small" }, item.reason))));
  const notes = h("div", { id: "coaching-notes" }, profile.coaching_notes.map((n) => h("div", { class: "plan-item" },
    h("strong", {}, `${name(n.competency)} · ${n.level}`),
    h("p", { class: "small" }, n.what_happened),
    n.evidence ? h("a", { class: "quote", href: `/sessions/${n.session_id}?t=${n.evidence.start}` }, h("span", { class: "at" }, `${clock(n.evidence.start)} ${n.evidence.speaker === "rep" ? "Rep" : "Buyer"}`), `“${n.evidence.quote}”`) : null,
    h("p", { class: "small" }, h("strong", {}, "Try instead: "), n.try_instead),
    n.drill_with ? h("p", { class: "small muted" }, `Drill with: ${n.drill_with}`) : null)));
  main.append(h("div", { class: "split" },
    h("div", { class: "stack" },
      h("div", { class: "panel" }, h("h2", {}, "Competencies"), competencyBars(competencies)),
      h("div", { class: "panel" }, h("h2", {}, "Overall score by session"),
        lineChart(profile.history.map((p) => ({ value: p.overall, label: when(p.at).split(",")[0] }))))),
    h("div", { class: "stack" },
      h("div", { class: "panel" }, h("h2", {}, "Practice plan"), plan.childNodes.length ? plan : h("div", { class: "muted" }, "Nothing to add — keep practising.")),
      h("div", { class: "panel" }, h("h2", {}, "Coaching notes"), notes.childNodes.length ? notes : h("div", { class: "muted" }, "No notes yet.")))));
}
