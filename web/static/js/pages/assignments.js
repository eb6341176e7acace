// Trainer: assign a scenario (persona + scorecard) to a rep or a whole team.
import { api } from "../api.js";
import { clear, h, pageHead, toast, when } from "../dom.js";

export async function render(main, ctx) {
  const [personas, templates, reps, teams, list] = await Promise.all([
    api("/api/personas"), api("/api/scorecards"), api("/api/users?role=rep"), api("/api/teams"), api("/api/assignments"),
  ]);
  const names = Object.fromEntries(personas.map((p) => [p.id, p.card.name]));
  const persona = h("select", { id: "a-persona", required: true }, personas.map((p) => h("option", { value: p.id }, `${p.card.name} (${p.card.difficulty})`)));
  const scorecard = h("select", { id: "a-scorecard" }, h("option", { value: "" }, "By the persona's role"), templates.map((t) => h("option", { value: t.id }, t.name)));
  const target = h("select", { id: "a-target", required: true },
    h("optgroup", { label: "Teams" }, teams.map((t) => h("option", { value: `team:${t.id}` }, t.name))),
    h("optgroup", { label: "Reps" }, reps.map((r) => h("option", { value: `rep:${r.id}` }, r.display_name))));
  const due = h("input", { id: "a-due", type: "date" });
  const note = h("input", { id: "a-note", maxlength: 500, placeholder: "What to focus on" });
  const body = h("tbody");
  const fill = (rows) => {
    clear(body);
    if (!rows.length) body.append(h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No assignments yet.")));
    for (const a of rows) {
      body.append(h("tr", { dataset: { assignment: a.id } },
        h("td", {}, names[a.persona_id] || a.persona_id), h("td", {}, a.scorecard_id || "default"), h("td", {}, a.target),
        h("td", {}, a.due ? when(a.due).split(",")[0] : "–"), h("td", { class: "muted small" }, a.note),
        h("td", {}, h("button", { class: "small", onclick: async () => {
          await api(`/api/assignments/${a.id}`, { method: "DELETE" });
          fill(await api("/api/assignments"));
        } }, "Remove"))));
    }
  };
  const form = h("form", { class: "inline-fields", onsubmit: async (event) => {
    event.preventDefault();
    const [kind, id] = target.value.split(":");
    try {
      await api("/api/assignments", { method: "POST", body: {
        persona_id: persona.value, scorecard_id: scorecard.value || null,
        rep_id: kind === "rep" ? Number(id) : null, team_id: kind === "team" ? Number(id) : null,
        due: due.value ? `${due.value}T17:00:00Z` : null, note: note.value,
      } });
      toast("Assigned");
      note.value = "";
      fill(await api("/api/assignments"));
    } catch (error) { toast(error.message, "error"); }
  } },
  field("Persona", persona), field("Scorecard", scorecard), field("Assign to", target), field("Due", due), field("Note", note),
  h("button", { class: "primary", type: "submit" }, "Assign"));
  main.append(pageHead("Assignments", "Reps see assigned scenarios first in their scenario picker."),
    h("div", { class: "panel filters" }, form),
    h("div", { class: "panel" }, h("table", { id: "assignment-list" },
      h("thead", {}, h("tr", {}, ["Persona", "Scorecard", "Assigned to", "Due", "Note", ""].map((t) => h("th", {}, t)))), body)));
  fill(list);
}

function field(label, el) {
  return h("div", { class: "field" }, h("label", { for: el.id }, label), el);
}
