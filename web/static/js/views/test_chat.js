// Text chat against the persona being edited: the real buyer brain, typed instead of spoken.
import { api } from "../api.js";
import { clear, h, toast } from "../dom.js";
import { eventLabel } from "./replay.js";

export function testChat(source, isValid) {
  let chatId = null;
  const log = h("div", { class: "chat-log", id: "chat-log" }, h("div", { class: "muted small" }, "Start a chat to try the persona as a rep would."));
  const input = h("input", { id: "chat-input", placeholder: "Say something as the rep…", disabled: true, maxlength: 2000 });
  const send = h("button", { class: "primary", type: "submit", disabled: true }, "Send");
  const notice = h("div", { class: "muted small", id: "chat-notice" });
  const state = h("div", { class: "muted small", id: "chat-state" });

  function line(speaker, text) {
    log.append(h("div", { class: `bubble ${speaker}` }, h("div", { class: "who" }, speaker === "rep" ? "Rep" : "Buyer"), text));
    log.scrollTop = log.scrollHeight;
  }
  function showState(s) {
    state.textContent = s ? `trust ${s.trust ?? "?"} · patience ${s.patience ?? "?"}${s.ended ? " · call ended (" + s.ended + ")" : ""}` : "";
  }

  const start = h("button", { id: "chat-start", onclick: async () => {
    if (!isValid()) { toast("Fix the persona's problems first", "error"); return; }
    start.disabled = true;
    try {
      const chat = await api("/api/test-chat", { method: "POST", body: source() });
      chatId = chat.id;
      clear(log);
      notice.textContent = chat.notice || "";
      if (chat.opening_line) line("buyer", chat.opening_line);
      showState(chat.state);
      input.disabled = send.disabled = false;
      input.focus();
    } catch (error) { toast(error.message, "error"); }
    start.disabled = false;
    start.textContent = "Restart chat";
  } }, "Start chat");

  const form = h("form", { class: "row", onsubmit: async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !chatId) return;
    input.value = "";
    line("rep", text);
    send.disabled = true;
    try {
      const turn = await api(`/api/test-chat/${chatId}/say`, { method: "POST", body: { text } });
      for (const e of turn.events) log.append(h("div", { class: "event-chip" }, eventLabel(e)));
      if (turn.reply) line("buyer", turn.reply);
      showState(turn.state);
      if (turn.state && turn.state.ended) input.disabled = true;
    } catch (error) { toast(error.message, "error"); }
    send.disabled = false;
  } }, input, send);
  return h("div", { class: "stack" }, h("div", { class: "row" }, start, notice), log, form, state);
}
