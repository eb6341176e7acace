// Admin: accounts (role, team, active) and teams (name, manager).
import { api } from "../api.js";
import { clear, h, pageHead, toast } from "../dom.js";

const ROLES = ["rep", "manager", "trainer", "admin"];

export async function render(main, ctx) {
  const usersBody = h("tbody");
  const teamsBody = h("tbody");
  let teams = [];
  let users = [];
  async function reload() {
    [users, teams] = await Promise.all([api("/api/users"), api("/api/teams")]);
    clear(usersBody);
    for (const u of users) {
      const role = h("select", { "aria-label": `role of ${u.username}` }, ROLES.map((r) => h("option", { value: r, selected: r === u.role }, r)));
      const team = h("select", { "aria-label": `team of ${u.username}` }, h("option", { value: "" }, "—"), teams.map((t) => h("option", { value: t.id, selected: t.id === u.team_id }, t.name)));
      const patch = async (body) => {
        try { await api(`/api/users/${u.id}`, { method: "PATCH", body }); toast("Saved"); await reload(); } catch (e) { toast(e.message, "error"); await reload(); }
      };
      role.addEventListener("change", () => patch({ role: role.value }));
      team.addEventListener("change", () => patch(team.value ? { team_id: Number(team.value) } : { clear_team: true }));
      usersBody.append(h("tr", { dataset: { user: u.username } },
        h("td", {}, h("strong", {}, u.display_name), h("div", { class: "muted small" }, u.username)),
        h("td", {}, role), h("td", {}, team),
        h("td", {}, h("button", { class: "small", onclick: () => patch({ is_active: !u.is_active }) }, u.is_active ? "Disable" : "Enable")),
        h("td", {}, u.role === "rep" ? h("a", { href: `/profile/${u.id}` }, "Profile") : null)));
    }
    clear(teamsBody);
    for (const t of teams) {
      const manager = h("select", { "aria-label": `manager of ${t.name}` }, h("option", { value: "" }, "—"),
        users.filter((u) => u.role === "manager" || u.role === "admin").map((u) => h("option", { value: u.id, selected: u.id === t.manager_id }, u.display_name)));
      manager.addEventListener("change", async () => {
        try { await api(`/api/teams/${t.id}`, { method: "PATCH", body: { name: t.name, manager_id: manager.value ? Number(manager.value) : null } }); toast("Saved"); await reload(); } catch (e) { toast(e.message, "error"); }
      });
      teamsBody.append(h("tr", {}, h("td", {}, t.name), h("td", {}, manager), h("td", {}, `${t.member_ids.length} members`)));
    }
  }
  const newUser = { username: h("input", { id: "u-name", required: true, autocomplete: "off" }), display_name: h("input", { id: "u-display" }),
    password: h("input", { id: "u-password", type: "password", required: true, minlength: 8, autocomplete: "new-password" }),
    role: h("select", { id: "u-role" }, ROLES.map((r) => h("option", { value: r }, r))) };
  const userForm = h("form", { class: "inline-fields", onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api("/api/users", { method: "POST", body: { username: newUser.username.value, display_name: newUser.display_name.value || null, password: newUser.password.value, role: newUser.role.value } });
      toast("Account created");
      for (const el of [newUser.username, newUser.display_name, newUser.password]) el.value = "";
      await reload();
    } catch (error) { toast(error.message, "error"); }
  } }, field("User name", newUser.username), field("Display name", newUser.display_name), field("Password", newUser.password), field("Role", newUser.role), h("button", { class: "primary", type: "submit" }, "Create"));
  const teamName = h("input", { id: "t-name", required: true });
  const teamForm = h("form", { class: "inline-fields", onsubmit: async (event) => {
    event.preventDefault();
    try { await api("/api/teams", { method: "POST", body: { name: teamName.value } }); teamName.value = ""; toast("Team created"); await reload(); } catch (error) { toast(error.message, "error"); }
  } }, field("New team", teamName), h("button", { class: "primary", type: "submit" }, "Create"));
  main.append(pageHead("Users & teams", "Managers see the sessions of the reps in the teams they manage."),
    h("div", { class: "panel filters stack" }, h("h2", {}, "Accounts"), userForm,
      h("table", { id: "users" }, h("thead", {}, h("tr", {}, ["Person", "Role", "Team", "", ""].map((t) => h("th", {}, t)))), usersBody)),
    h("div", { class: "panel stack" }, h("h2", {}, "Teams"), teamForm,
      h("table", { id: "teams" }, h("thead", {}, h("tr", {}, ["Team", "Manager", "Members"].map((t) => h("th", {}, t)))), teamsBody)));
  await reload();
}

function field(label, el) {
  return h("div", { class: "field" }, h("label", { for: el.id }, label), el);
}
