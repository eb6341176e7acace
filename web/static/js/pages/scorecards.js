// Trainer: scorecard templates (built-in SDR/AE/AM and custom ones).
import { api } from "../api.js";
import { h, pageHead } from "../dom.js";

export async function render(main) {
  const templates = await api("/api/scorecards");
  main.append(pageHead("Scorecard templates", "Competencies with weighted criteria and a pass mark.",
    h("a", { class: "button primary", href: "/trainer/scorecards/new" }, "New template")));
  main.append(h("div", { class: "cards", id: "template-list" }, templates.map((t) => h("article", { class: "panel stack", dataset: { template: t.id } },
    h("div", { class: "row" }, h("h3", {}, t.name), h("span", { class: "spacer" }), h("span", { class: `badge ${t.source === "custom" ? "brand" : ""}` }, t.source === "custom" ? "custom" : "built-in")),
    t.description ? h("p", { class: "muted small" }, t.description) : null,
    h("div", { class: "small" }, `Pass mark ${t.pass_mark} · ${t.competencies.length} competencies`),
    h("div", { class: "chips" }, t.competencies.map((c) => h("span", { class: "badge" }, `${c.name} ×${c.weight}`))),
    h("div", { class: "row" }, h("a", { class: "button", href: `/trainer/scorecards/${t.id}` }, t.source === "custom" ? "Edit" : "View"))))));
}
