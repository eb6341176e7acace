// Sign-in page.
import { api } from "../api.js";
import { h } from "../dom.js";

export async function render(root, ctx) {
  const error = h("div", { class: "alert error", role: "alert", hidden: true });
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true, autofocus: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { class: "primary", type: "submit" }, "Sign in");
  const form = h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    try {
      const me = await api("/api/auth/signin", { method: "POST", body: { username: username.value.trim(), password: password.value } });
      ctx.setMe(me);
      const next = ctx.query.get("next");
      ctx.navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      submit.disabled = false;
    }
  } },
  h("div", { class: "field" }, h("label", { for: "username" }, "User name"), username),
  h("div", { class: "field" }, h("label", { for: "password" }, "Password"), password),
  error, submit);
  root.append(h("div", { class: "signin" }, h("div", { class: "panel" },
    h("div", { class: "brand" }, h("div", { class: "brand-mark" }, "RP"), "Role-play Simulator"),
    h("h2", {}, "Sign in"),
    h("p", { class: "muted small" }, "Practise sales calls with AI buyers and get evidence-backed feedback."),
    form,
    h("p", { class: "muted small" }, "First run on this computer? The server printed a local account and password when it started."))));
}
