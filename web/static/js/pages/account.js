// Account: who am I, change password (signs out everywhere).
import { api } from "../api.js";
import { h, pageHead, toast } from "../dom.js";

export async function render(main, ctx) {
  const me = ctx.me.user;
  const current = h("input", { id: "current", type: "password", autocomplete: "current-password", required: true });
  const next = h("input", { id: "new", type: "password", autocomplete: "new-password", required: true, minlength: 8 });
  main.append(pageHead("Account", `${me.display_name} · ${me.username} · ${me.role}`),
    h("div", { class: "panel", id: "password-panel" }, h("h2", {}, "Change password"),
      h("form", { class: "stack", onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api("/api/auth/password", { method: "POST", body: { current_password: current.value, new_password: next.value } });
          toast("Password changed; sign in again");
          ctx.navigate("/signin");
        } catch (error) { toast(error.message, "error"); }
      } },
      h("div", { class: "field" }, h("label", { for: "current" }, "Current password"), current),
      h("div", { class: "field" }, h("label", { for: "new" }, "New password (at least 8 characters)"), next),
      h("button", { class: "primary", type: "submit" }, "Change password"))));
}
