// Replay player: stereo recording, two-lane waveform with playhead, timeline markers,
// and a transcript that highlights the turn being played.
import { api } from "../api.js";
import { clear, clock, h } from "../dom.js";

const EVENT_LABELS = {
  fact_revealed: (e) => `fact revealed: ${e.fact}`,
  objection_raised: (e) => `objection raised: ${e.objection}`,
  objection_resolved: (e) => `objection resolved: ${e.objection}`,
  objection_escalated: (e) => `objection escalated: ${e.objection}`,
  trust_changed: (e) => `trust ${e.delta > 0 ? "+" : ""}${e.delta} → ${e.trust} (${(e.reason || "").replace(/_/g, " ")})`,
  guardrail_violation: (e) => `guardrail: ${e.rule} (${e.action})`,
  call_ended: (e) => `call ended: ${(e.reason || "").replace(/_/g, " ")}`,
};

export function eventLabel(event) {
  const label = EVENT_LABELS[event.type];
  return label ? label(event) : event.type.replace(/_/g, " ");
}

export class Replay {
  constructor(session) {
    this.session = session;
    this.turns = (session.transcript && session.transcript.turns) || [];
    this.duration = session.duration_s || (this.turns.length ? this.turns[this.turns.length - 1].end : 0);
    this.active = -1;
    this.peaks = null;
    this.frame = null;
    this.audio = h("audio", { id: "replay-audio", controls: true, preload: "auto", src: session.has_recording ? `/api/sessions/${session.id}/recording` : null });
    this.canvas = h("canvas", { class: "waveform", id: "waveform", width: 1200, height: 120, "aria-label": "Waveform: rep on top, buyer below" });
    this.timeline = h("div", { class: "timeline", id: "timeline" });
    this.transcript = h("div", { class: "transcript", id: "transcript" });
    this.turnEls = [];
    this.audio.addEventListener("timeupdate", () => this.sync());
    this.audio.addEventListener("seeked", () => this.sync());
    this.audio.addEventListener("play", () => this.animate());
    this.audio.addEventListener("loadedmetadata", () => { if (this.audio.duration && Number.isFinite(this.audio.duration)) { this.duration = this.audio.duration; this.draw(); } });
    this.canvas.addEventListener("click", (event) => {
      const rect = this.canvas.getBoundingClientRect();
      this.seek(((event.clientX - rect.left) / rect.width) * this.duration, false);
    });
  }

  get time() { return this.audio.currentTime || 0; }

  seek(seconds, play = true) {
    this.audio.currentTime = Math.max(0, Math.min(seconds, this.duration || seconds));
    this.sync();
    if (play && this.session.has_recording) this.audio.play().catch(() => null);
  }

  async loadWaveform() {
    if (!this.session.has_recording) return;
    this.peaks = await api(`/api/sessions/${this.session.id}/waveform?points=600`);
    if (this.peaks.duration_s) this.duration = this.peaks.duration_s;
    this.draw();
  }

  draw() {
    const c = this.canvas.getContext("2d");
    const { width, height } = this.canvas;
    c.clearRect(0, 0, width, height);
    const lane = height / 2;
    c.fillStyle = "#e9ecef";
    c.fillRect(0, lane - 0.5, width, 1);
    if (this.peaks) {
      const colors = ["#2f7de1", "#d9480f"];
      this.peaks.peaks.slice(0, 2).forEach((row, channel) => {
        const mid = lane * channel + lane / 2;
        c.fillStyle = colors[channel];
        const step = width / row.length;
        row.forEach((p, i) => {
          const amp = Math.max(1, Math.min(1, p * 2.2) * (lane / 2 - 4));
          c.fillRect(i * step, mid - amp, Math.max(1, step - 0.6), amp * 2);
        });
      });
    }
    c.fillStyle = "#5d6b82";
    c.font = "11px system-ui";
    c.fillText("Rep", 6, 13);
    c.fillText("Buyer", 6, lane + 13);
    if (this.duration) {
      const x = (this.time / this.duration) * width;
      c.fillStyle = "#172033";
      c.fillRect(x - 1, 0, 2, height);
    }
  }

  animate() {
    cancelAnimationFrame(this.frame);
    const step = () => {
      this.sync();
      if (!this.audio.paused) this.frame = requestAnimationFrame(step);
    };
    this.frame = requestAnimationFrame(step);
  }

  sync() {
    this.draw();
    const t = this.time;
    let index = -1;
    for (let i = 0; i < this.turns.length; i++) {
      if (this.turns[i].start <= t + 0.05) index = i;
      else break;
    }
    if (index !== this.active) {
      if (this.turnEls[this.active]) this.turnEls[this.active].classList.remove("active");
      this.active = index;
      const el = this.turnEls[index];
      if (el) {
        el.classList.add("active");
        const box = this.transcript;
        if (el.offsetTop < box.scrollTop || el.offsetTop + el.offsetHeight > box.scrollTop + box.clientHeight) {
          box.scrollTop = el.offsetTop - box.offsetTop - box.clientHeight / 3;
        }
      }
    }
  }

  renderTranscript(eventsByTurn) {
    clear(this.transcript);
    this.turnEls = this.turns.map((turn, i) => {
      const el = h("div", { class: "turn", dataset: { turn: i, start: turn.start }, onclick: () => this.seek(turn.start) },
        h("span", { class: "t" }, clock(turn.start)),
        h("span", { class: `sp ${turn.speaker}` }, turn.speaker === "rep" ? "Rep" : "Buyer"),
        h("div", {}, turn.text, turn.interrupted ? h("span", { class: "cut" }, "  — cut off") : null,
          (eventsByTurn.get(i) || []).length
            ? h("div", { class: "chips" }, eventsByTurn.get(i).map((e) => h("span", { class: "event-chip" }, eventLabel(e))))
            : null));
      this.transcript.append(el);
      return el;
    });
    if (!this.turns.length) this.transcript.append(h("div", { class: "empty" }, "No turns were recorded."));
  }

  renderMarkers(markers) {
    clear(this.timeline);
    if (!this.duration) return;
    for (const m of markers) {
      if (m.t === null || m.t === undefined) continue;
      this.timeline.append(h("button", {
        class: `marker ${m.kind}`, title: `${clock(m.t)} · ${m.label}`, "aria-label": `${m.kind} at ${clock(m.t)}: ${m.label}`,
        onclick: () => this.seek(m.t), dataset: { t: m.t },
      }));
      this.timeline.lastChild.style.left = `${(100 * m.t) / this.duration}%`;
    }
  }

  close() { cancelAnimationFrame(this.frame); this.audio.pause(); }
}
