// One session: scorecard with evidence, replay with synced transcript, comments, metrics.
import { api, ApiError } from "../api.js";
import { clear, clock, errorBox, h, scoreClass, scoreText, toast, when } from "../dom.js";
import { Replay } from "../views/replay.js";
import { evidenceMarkers, renderMetrics, renderScorecard } from "../views/scorecard.js";

export async function render(main, ctx) {
  let session;
  try {
    session = await api(`/api/sessions/${ctx.params.id}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      main.append(h("h1", {}, "Session unavailable"), h("div", { class: "alert error", id: "refused", role: "alert" },
        "This session does not exist, or you do not have access to it. Reps can only open their own sessions."));
      return;
    }
    throw error;
  }
  const replay = new Replay(session);
  const reload = async () => { replay.close(); clear(main); await render(main, ctx); };
  const card = session.scorecard;
  const brainEvents = ((session.events && session.events.events) || (session.transcript && session.transcript.events) || []);
  const eventsByTurn = new Map();
  for (const e of brainEvents) if (e.turn !== null && e.turn !== undefined) eventsByTurn.set(e.turn, [...(eventsByTurn.get(e.turn) || []), e]);

  const headline = h("div", { class: "panel replay-head", id: "session-head" },
    h("div", {}, h("div", { class: `big-score ${scoreClass(session.overall)}`, id: "overall" }, scoreText(session.overall)), h("div", { class: "muted small" }, "overall")),
    h("div", { class: "stack" },
      h("div", { class: "row" },
        session.passed === null ? null : h("span", { class: `badge ${session.passed ? "good" : "bad"}` }, session.passed ? "Passed" : "Not passed"),
        card && card.scorecard ? h("span", { class: "badge" }, `${card.scorecard.name || card.scorecard.id} · pass mark ${card.scorecard.pass_mark}`) : null,
        card && card.overridden ? h("span", { class: "badge brand" }, "includes manager overrides") : null),
      h("div", { class: "muted" }, `${session.rep.name} · ${when(session.started_at)} · ${clock(session.duration_s)}`),
      session.status_detail ? h("div", { class: "alert small" }, session.status_detail) : null));

  const commentList = h("div", { id: "comments" });
  const commentText = h("input", { placeholder: "Comment at the current time…", id: "comment-text", maxlength: 2000 });
  const commentForm = h("form", { class: "row", onsubmit: async (event) => {
    event.preventDefault();
    if (!commentText.value.trim()) return;
    try {
      await api(`/api/sessions/${session.id}/comments`, { method: "POST", body: { t: Number(replay.time.toFixed(2)), text: commentText.value } });
      await reload();
      toast("Comment added");
    } catch (error) { toast(error.message, "error"); }
  } }, commentText, h("button", { class: "primary", type: "submit" }, "Add"));
  for (const c of session.comments) {
    commentList.append(h("div", { class: "comment", dataset: { t: c.t } },
      h("span", { class: "at", onclick: () => replay.seek(c.t) }, clock(c.t)), " ", h("strong", {}, c.author || "someone"), ": ", c.text));
  }
  if (!session.comments.length) commentList.append(h("div", { class: "muted small" }, "No comments yet."));

  replay.renderTranscript(eventsByTurn);
  const markers = [
    ...evidenceMarkers(card),
    ...brainEvents.map((e) => ({ kind: "event", t: e.t ?? (session.transcript.turns[e.turn] || {}).end, label: e.type.replace(/_/g, " ") })),
    ...session.comments.map((c) => ({ kind: "comment", t: c.t, label: c.text })),
  ];

  main.append(
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, `${session.persona_name || session.persona_id}`), h("div", { class: "muted" }, "Scorecard and replay")),
      h("div", { class: "row" },
        session.scorecard ? h("a", { class: "button", href: `/api/sessions/${session.id}/report.html`, target: "_blank", id: "report-link" }, "Printable report") : null,
        h("a", { class: "button primary", href: `/call/${session.persona_id}` }, "Practise again"))),
    headline,
    h("div", { class: "split gap-top" },
      h("div", { class: "stack" },
        h("div", { class: "panel stack" },
          h("h2", {}, "Replay"),
          session.has_recording ? replay.audio : h("div", { class: "alert" }, "No recording was kept for this session."),
          replay.canvas, replay.timeline,
          h("div", { class: "legend" }, legend("Evidence", "var(--brand)"), legend("Buyer-brain event", "#ae3ec9"), legend("Comment", "#f59f00"))),
        h("div", { class: "panel" }, h("h2", {}, "Transcript"), replay.transcript),
        h("div", { class: "panel" }, h("h2", {}, "Comments"), commentList, commentForm)),
      h("div", { class: "stack" },
        h("div", { class: "panel" }, h("h2", {}, "Scorecard"), renderScorecard(session, { seek: (t) => replay.seek(t), onChanged: reload })),
        h("div", { class: "panel" }, h("h2", {}, "Conversation metrics"), renderMetrics(card)))));
  await replay.loadWaveform().catch((error) => main.prepend(errorBox(error)));
  replay.renderMarkers(markers);
  replay.sync();
  const start = Number(ctx.query.get("t"));
  if (start) replay.seek(start, false);
  return () => replay.close();
}

function legend(label, color) {
  const el = h("span", {}, label);
  el.style.setProperty("--c", color);
  return el;
}
