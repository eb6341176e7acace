// A YAML editor with live validation: the server checks the text as you type and the
// problems are listed with line and field; clicking one puts the cursor on that line.
import { api } from "../api.js";
import { clear, debounce, h } from "../dom.js";

export function yamlEditor({ text, validateUrl, onResult }) {
  const area = h("textarea", { class: "code", id: "yaml", spellcheck: "false", "aria-label": "YAML source" });
  area.value = text;
  const issues = h("ul", { class: "issues", id: "issues" });
  const status = h("div", { class: "state-line", id: "validation-state" });

  function goToLine(line) {
    const lines = area.value.split("\n");
    const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(offset, offset + (lines[line - 1] || "").length);
    area.scrollTop = Math.max(0, (line - 5) * 19);
  }

  const check = debounce(async () => {
    try {
      const result = await api(validateUrl, { method: "POST", body: { yaml: area.value } });
      clear(issues);
      clear(status).append(h("span", { class: `dot ${result.valid ? "live" : "buyer"}` }), result.valid ? "Valid" : `${result.issues.length} problem${result.issues.length === 1 ? "" : "s"}`);
      for (const issue of result.issues) {
        issues.append(h("li", { onclick: () => issue.line && goToLine(issue.line) },
          h("span", { class: "ln" }, issue.line ? `line ${issue.line}` : "file"), issue.field ? h("code", {}, issue.field) : null, " ", issue.message));
      }
      if (result.valid) issues.append(h("li", { class: "muted" }, "No problems."));
      onResult(result);
    } catch (error) {
      clear(status).append(h("span", { class: "dot buyer" }), error.message);
    }
  }, 350);
  area.addEventListener("input", check);
  area.addEventListener("keydown", (event) => {
    if (event.key === "Tab") {
      event.preventDefault();
      area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
      check();
    }
  });
  check();
  return { area, issues, status, value: () => area.value };
}
