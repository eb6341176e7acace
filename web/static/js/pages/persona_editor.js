// Trainer: persona YAML editor with live validation, card preview and a text test-chat.
import { api } from "../api.js";
import { clear, h, pageHead, toast } from "../dom.js";
import { yamlEditor } from "../views/yaml_editor.js";
import { testChat } from "../views/test_chat.js";
import { personaCard } from "./practice.js";

export async function render(main, ctx) {
  const isNew = ctx.params.id === "new";
  const copyOf = ctx.query.get("copy");
  let persona = null;
  if (!isNew) persona = await api(`/api/personas/${ctx.params.id}`);
  let text = persona ? persona.yaml : "";
  if (isNew && copyOf) {
    const source = await api(`/api/personas/${copyOf}`);
    text = source.yaml.replace(/^id:\s*\S+/m, `id: ${copyOf}-copy`);
  }
  const editable = isNew || (persona && persona.editable);
  const preview = h("div", { id: "preview" });
  let valid = false;
  const save = h("button", { class: "primary", id: "save", disabled: true }, isNew ? "Create persona" : "Save");
  const editor = yamlEditor({
    text,
    validateUrl: "/api/personas/validate",
    onResult: (result) => {
      valid = result.valid;
      save.disabled = !valid || !editable;
      clear(preview).append(result.card ? personaCard(result.card) : h("div", { class: "muted" }, "Fix the problems to see the card."));
    },
  });
  save.addEventListener("click", async () => {
    try {
      const saved = isNew
        ? await api("/api/personas", { method: "POST", body: { yaml: editor.value() } })
        : await api(`/api/personas/${persona.id}`, { method: "PUT", body: { yaml: editor.value() } });
      toast("Persona saved");
      if (isNew) ctx.navigate(`/trainer/personas/${saved.id}`);
    } catch (error) { toast(error.message, "error"); }
  });
  const actions = [save];
  if (persona && !persona.editable) actions.unshift(h("a", { class: "button", href: `/trainer/personas/new?copy=${persona.id}` }, "Copy to a new persona"));
  if (persona && persona.editable) {
    actions.unshift(h("button", { class: "danger", onclick: async () => {
      if (!confirm(`Delete ${persona.id}?`)) return;
      await api(`/api/personas/${persona.id}`, { method: "DELETE" });
      ctx.navigate("/trainer/personas");
    } }, "Delete"));
  }
  if (!editable) editor.area.readOnly = true;
  main.append(
    pageHead(isNew ? "New persona" : `Persona · ${persona.card.name}`, editable ? "Edit the YAML; it is checked as you type." : "Built-in persona (read-only).", ...actions),
    h("div", { class: "editor" },
      h("div", { class: "panel stack" }, editor.status, editor.area),
      h("div", { class: "stack" },
        h("div", { class: "panel" }, h("h2", {}, "Problems"), editor.issues),
        h("div", { class: "panel" }, h("h2", {}, "Card preview"), preview),
        h("div", { class: "panel" }, h("h2", {}, "Test chat"), testChat(() => ({ yaml: editor.value() }), () => valid)))));
}
