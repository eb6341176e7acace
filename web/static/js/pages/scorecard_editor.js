// Trainer: scorecard template YAML editor with live validation and a summary preview.
import { api } from "../api.js";
import { clear, h, pageHead, toast } from "../dom.js";
import { yamlEditor } from "../views/yaml_editor.js";

export async function render(main, ctx) {
  const isNew = ctx.params.id === "new";
  const copyOf = ctx.query.get("copy");
  const template = isNew ? null : await api(`/api/scorecards/${ctx.params.id}`);
  let text = template ? template.yaml : "";
  if (isNew && copyOf) text = (await api(`/api/scorecards/${copyOf}`)).yaml.replace(/^id:\s*\S+/m, `id: ${copyOf}_copy`);
  const editable = isNew || template.editable;
  const summary = h("div", { id: "template-summary" });
  const save = h("button", { class: "primary", id: "save", disabled: true }, isNew ? "Create template" : "Save");
  const editor = yamlEditor({
    text,
    validateUrl: "/api/scorecards/validate",
    onResult: (result) => {
      save.disabled = !result.valid || !editable;
      clear(summary);
      if (!result.summary) { summary.append(h("div", { class: "muted" }, "Fix the problems to see the summary.")); return; }
      const s = result.summary;
      const total = s.competencies.reduce((n, c) => n + c.weight, 0);
      summary.append(h("h3", {}, s.name), h("div", { class: "small muted" }, `id ${s.id} · pass mark ${s.pass_mark}`),
        h("table", {}, h("tbody", {}, s.competencies.map((c) => h("tr", {}, h("td", {}, c.name), h("td", {}, `${c.criteria} criteria`), h("td", {}, `${Math.round((100 * c.weight) / total)} % of overall`))))));
    },
  });
  save.addEventListener("click", async () => {
    try {
      const saved = isNew
        ? await api("/api/scorecards", { method: "POST", body: { yaml: editor.value() } })
        : await api(`/api/scorecards/${template.id}`, { method: "PUT", body: { yaml: editor.value() } });
      toast("Template saved");
      if (isNew) ctx.navigate(`/trainer/scorecards/${saved.id}`);
    } catch (error) { toast(error.message, "error"); }
  });
  if (!editable) editor.area.readOnly = true;
  const actions = [save];
  if (template && !template.editable) actions.unshift(h("a", { class: "button", href: `/trainer/scorecards/new?copy=${template.id}` }, "Copy to a new template"));
  main.append(
    pageHead(isNew ? "New scorecard template" : `Template · ${template.name}`, editable ? "Edit the YAML; it is checked as you type." : "Built-in template (read-only).", ...actions),
    h("div", { class: "editor" },
      h("div", { class: "panel stack" }, editor.status, editor.area),
      h("div", { class: "stack" },
        h("div", { class: "panel" }, h("h2", {}, "Problems"), editor.issues),
        h("div", { class: "panel" }, h("h2", {}, "Summary"), summary))));
}
