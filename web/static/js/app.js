// Boot, navigation shell and router. Each page module exports render(main, ctx) and may
// return a cleanup function (the call page closes the microphone and socket with it).
import { api, ApiError, setCsrf } from "./api.js";
import { clear, h, errorBox } from "./dom.js";

const ROUTES = [
  [/^\/signin$/, "signin"],
  [/^\/practice$/, "practice"],
  [/^\/call\/([a-z0-9_-]+)$/, "call", ["persona"]],
  [/^\/sessions$/, "sessions"],
  [/^\/sessions\/([0-9a-f]{32})$/, "session", ["id"]],
  [/^\/profile$/, "profile"],
  [/^\/profile\/(\d+)$/, "profile", ["userId"]],
  [/^\/team$/, "team"],
  [/^\/trainer\/personas$/, "personas"],
  [/^\/trainer\/personas\/([a-z0-9_-]+)$/, "persona_editor", ["id"]],
  [/^\/trainer\/scorecards$/, "scorecards"],
  [/^\/trainer\/scorecards\/([a-z0-9_-]+)$/, "scorecard_editor", ["id"]],
  [/^\/trainer\/assignments$/, "assignments"],
  [/^\/admin$/, "admin"],
  [/^\/account$/, "account"],
];

const HOME = { rep: "/practice", manager: "/team", trainer: "/trainer/personas", admin: "/team" };

const state = { me: null, cleanup: null };

function navItems(role) {
  const items = [["Practice", [["/practice", "Scenarios"], ["/sessions", "My sessions"], ["/profile", "Skill profile"]]]];
  if (role === "manager" || role === "admin") items.push(["Team", [["/team", "Dashboard"], ["/sessions?scope=team", "Team sessions"]]]);
  if (role === "trainer" || role === "admin") {
    items.push(["Content", [["/trainer/personas", "Personas"], ["/trainer/scorecards", "Scorecards"], ["/trainer/assignments", "Assignments"]]]);
  }
  if (role === "admin") items.push(["Admin", [["/admin", "Users & teams"]]]);
  return items;
}

function shell() {
  const me = state.me.user;
  const nav = h("nav", { class: "nav", "aria-label": "Main" });
  for (const [group, links] of navItems(me.role)) {
    nav.append(h("div", { class: "nav-group" }, group));
    for (const [href, label] of links) nav.append(h("a", { href, dataset: { nav: href.split("?")[0] } }, label));
  }
  const signOut = h("button", { class: "small", onclick: async () => {
    await api("/api/auth/signout", { method: "POST" }).catch(() => null);
    state.me = null;
    navigate("/signin");
  } }, "Sign out");
  const side = h("aside", { class: "side" },
    h("div", { class: "brand" }, h("div", { class: "brand-mark" }, "RP"), "Role-play"),
    nav,
    h("div", { class: "side-foot" },
      h("div", { class: "who" }, me.display_name),
      h("div", {}, `${me.role}${me.team_name ? " · " + me.team_name : ""}`),
      h("div", { class: "row" }, h("a", { href: "/account" }, "Account"), signOut)));
  const main = h("main", { id: "main" });
  return [h("div", { class: "shell" }, side, main), main];
}

function match(path) {
  for (const [pattern, page, names = []] of ROUTES) {
    const m = path.match(pattern);
    if (m) return { page, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

async function loadMe() {
  try {
    state.me = await api("/api/auth/me");
    setCsrf(state.me.csrf_token);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    state.me = null;
  }
}

export async function render() {
  if (state.cleanup) { try { state.cleanup(); } catch (e) { console.error(e); } state.cleanup = null; }
  const root = document.getElementById("root");
  let path = location.pathname.replace(/\/+$/, "") || "/";
  if (state.me === null && path !== "/signin") await loadMe();
  if (!state.me && path !== "/signin") { history.replaceState(null, "", `/signin?next=${encodeURIComponent(location.pathname + location.search)}`); path = "/signin"; }
  if (path === "/") { history.replaceState(null, "", HOME[state.me.user.role]); path = HOME[state.me.user.role]; }
  const route = match(path);
  const ctx = { me: state.me, params: route ? route.params : {}, query: new URLSearchParams(location.search), navigate, setMe };
  if (route && route.page === "signin") {
    const module = await import("./pages/signin.js");
    clear(root);
    await module.render(root, ctx);
    return;
  }
  const [frame, main] = shell();
  clear(root).append(frame);
  for (const link of frame.querySelectorAll("[data-nav]")) {
    if (path === link.dataset.nav || (link.dataset.nav !== "/" && path.startsWith(link.dataset.nav + "/"))) link.classList.add("active");
  }
  if (!route) { main.append(errorBox(new Error("There is no page at this address."))); return; }
  try {
    const module = await import(`./pages/${route.page}.js`);
    const cleanup = await module.render(main, ctx);
    if (typeof cleanup === "function") state.cleanup = cleanup;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) { state.me = null; navigate("/signin"); return; }
    console.error(error);
    clear(main).append(errorBox(error));
  }
  document.title = `${(main.querySelector("h1") || {}).textContent || "Role-play"} · Role-play Simulator`;
}

export function navigate(path) {
  history.pushState(null, "", path);
  render();
}

function setMe(me) { state.me = me; setCsrf(me.csrf_token); }

document.addEventListener("click", (event) => {
  const link = event.target.closest("a");
  if (!link || link.target || link.hasAttribute("download") || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const href = link.getAttribute("href");
  if (!href || !href.startsWith("/") || href.startsWith("/api/") || href.startsWith("/docs")) return;
  event.preventDefault();
  navigate(href);
});
window.addEventListener("popstate", render);
render();
