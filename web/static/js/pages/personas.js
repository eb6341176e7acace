// Trainer: the persona library (built-in and custom) with links to the editor.
import { api } from "../api.js";
import { h, pageHead } from "../dom.js";
import { personaCard } from "./practice.js";

export async function render(main) {
  const personas = await api("/api/personas");
  main.append(pageHead("Personas", "Built-in personas are read-only; copy one to start your own.",
    h("a", { class: "button primary", href: "/trainer/personas/new" }, "New persona")));
  main.append(h("div", { class: "cards", id: "persona-list" }, personas.map((p) => personaCard(p.card, {
    action: h("div", { class: "row" },
      h("span", { class: `badge ${p.editable ? "brand" : ""}` }, p.editable ? "custom" : "built-in"),
      h("span", { class: "spacer" }),
      h("a", { class: "button", href: `/trainer/personas/${p.id}` }, p.editable ? "Edit & test" : "View & test")),
  }))));
}
