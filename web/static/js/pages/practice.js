// Scenario picker: persona cards, assigned ones first.
import { api } from "../api.js";
import { h, initials, pageHead, when } from "../dom.js";

const SCENARIOS = { cold_call: "Cold call", discovery: "Discovery", demo_follow_up: "Demo follow-up", renewal: "Renewal", negotiation: "Negotiation" };

export function personaCard(card, { action, assignments = [] } = {}) {
  return h("article", { class: "panel persona-card", dataset: { persona: card.id } },
    h("div", { class: "who" },
      h("div", { class: "avatar" }, initials(card.name)),
      h("div", {}, h("h3", {}, card.name), h("div", { class: "muted small" }, `${card.title} · ${card.company}`))),
    h("div", { class: "chips" },
      h("span", { class: `badge ${card.difficulty}` }, card.difficulty),
      h("span", { class: "badge brand" }, SCENARIOS[card.scenario] || card.scenario),
      ...card.role_fit.map((r) => h("span", { class: "badge" }, r))),
    assignments.map((a) => h("div", { class: "assigned" }, `Assigned${a.due ? " · due " + when(a.due) : ""}${a.note ? " — " + a.note : ""}`)),
    h("p", { class: "brief" }, card.brief),
    h("div", { class: "muted small" }, `${card.industry} · ${card.company_size} · drills ${card.skills.map((s) => s.replace(/_/g, " ")).join(", ")}`),
    action || null);
}

export async function render(main, ctx) {
  const scenarios = await api("/api/scenarios");
  main.append(pageHead("Choose a scenario", "Pick a buyer, read the brief, then start the call. Headphones recommended."));
  if (!scenarios.length) {
    main.append(h("div", { class: "panel empty" }, "No personas are available yet. A trainer can add them under Content → Personas."));
    return;
  }
  const grid = h("div", { class: "cards" });
  for (const { card, assignments } of scenarios) {
    const assignment = assignments[0];
    const href = `/call/${card.id}${assignment ? "?assignment=" + assignment.id : ""}`;
    grid.append(personaCard(card, { assignments, action: h("div", { class: "row" }, h("a", { class: "button primary", href }, "Start practice call")) }));
  }
  main.append(grid);
}
