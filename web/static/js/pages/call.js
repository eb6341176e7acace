// The live call: microphone -> 16 kHz PCM16 frames over /ws/call, buyer audio back, captions.
import { api } from "../api.js";
import { BuyerPlayer } from "../audio/player.js";
import { clear, clock, errorBox, h, initials } from "../dom.js";

const BARGE_IN_LEVEL = 0.06; // without headphones, mic frames below this are muted while the buyer talks

export async function render(main, ctx) {
  const scenarios = await api("/api/scenarios");
  const scenario = scenarios.find((s) => s.card.id === ctx.params.persona);
  if (!scenario) { main.append(errorBox(new Error("This persona does not exist or is not available to you."))); return; }
  const card = scenario.card;
  const call = new CallController(card, ctx);

  const headphones = h("input", { type: "checkbox", id: "headphones", checked: localStorage.getItem("headphones") === "1" });
  headphones.addEventListener("change", () => localStorage.setItem("headphones", headphones.checked ? "1" : "0"));
  const startButton = h("button", { class: "primary", id: "start-call" }, "Start call");
  const endButton = h("button", { class: "danger", id: "end-call", disabled: true }, "End call");
  const status = h("div", { class: "state-line", id: "call-state" }, h("span", { class: "dot" }), "Ready when you are");
  const meter = h("div", { class: "meter", title: "Microphone level" }, h("div", { id: "mic-level" }));
  const timer = h("div", { class: "timer", id: "call-timer" }, "0:00");
  const ring = h("div", { class: "speaking-ring", id: "buyer-ring" }, h("div", { class: "avatar" }, initials(card.name)));
  const captions = h("div", { class: "captions", id: "captions", "aria-live": "polite" },
    h("div", { class: "empty" }, card.speaks_first === false ? "You open the call." : `${card.name.split(" ")[0]} will pick up when the call connects.`));
  const problem = h("div", {});

  main.append(
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, `Call with ${card.name}`), h("div", { class: "muted" }, `${card.title} · ${card.company}`))),
    problem,
    h("div", { class: "call" },
      h("div", { class: "stack" },
        h("div", { class: "panel stack" },
          h("div", { class: "row" }, ring, h("div", {}, h("h3", {}, card.name), h("div", { class: "muted small" }, card.title), h("span", { class: `badge ${card.difficulty}` }, card.difficulty))),
          status, timer,
          h("div", {}, h("label", {}, "Your microphone"), meter),
          h("div", { class: "row" }, startButton, endButton)),
        h("div", { class: "panel stack small" },
          h("div", { class: "alert info" }, "Wear headphones: the buyer's voice then cannot leak into your microphone and interrupt itself."),
          h("label", { class: "check", for: "headphones" }, headphones, "I'm wearing headphones"),
          h("div", { class: "muted" }, "Without headphones your microphone is muted while the buyer speaks, unless you speak up clearly to interrupt.")),
        h("div", { class: "panel small" }, h("h3", {}, "Brief"), h("p", { class: "muted" }, card.brief))),
      h("div", { class: "panel" }, h("h2", {}, "Live captions"), captions)));

  call.bind({ status, timer, ring, captions, problem, startButton, endButton, headphones, level: meter.firstChild });
  api("/api/health").then((health) => {
    if (health.live_calls === "loading") call.setStatus("The voice pipeline is still loading; the call will connect when it is ready");
    else if (health.live_calls.startsWith("unavailable")) problem.append(errorBox(new Error(`Live calls are not available: ${health.live_calls.slice(13)}`)));
  }).catch(() => null);
  startButton.addEventListener("click", () => call.start(ctx.query.get("assignment")));
  endButton.addEventListener("click", () => call.hangUp());
  return () => call.close();
}

class CallController {
  constructor(card, ctx) {
    this.card = card;
    this.ctx = ctx;
    this.ws = null;
    this.audio = null;
    this.stream = null;
    this.player = null;
    this.ready = false;
    this.callId = null;
    this.startedAt = null;
    this.tick = null;
    this.live = { rep: null, buyer: null };
    this.buyerSpeaking = false;
  }

  bind(ui) { this.ui = ui; }

  setStatus(text, dot = "") {
    clear(this.ui.status).append(h("span", { class: `dot ${dot}` }), text);
  }

  fail(message) {
    clear(this.ui.problem).append(errorBox(new Error(message)));
    this.setStatus("Call stopped");
    this.stopMedia();
    this.ui.startButton.disabled = false;
    this.ui.endButton.disabled = true;
  }

  async start(assignmentId) {
    this.ui.startButton.disabled = true;
    clear(this.ui.problem);
    this.setStatus("Connecting…");
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (error) {
      this.fail(`The microphone is not available (${error.message}). Allow microphone access and try again.`);
      return;
    }
    try {
      const booked = await api("/api/calls", { method: "POST", body: { persona_id: this.card.id, assignment_id: assignmentId ? Number(assignmentId) : null } });
      this.callId = booked.id;
      await this.openAudio();
      this.openSocket(booked.websocket_path);
    } catch (error) {
      this.fail(error.message);
    }
  }

  async openAudio() {
    this.audio = new AudioContext({ latencyHint: "interactive" });
    await this.audio.audioWorklet.addModule("/static/js/audio/mic-worklet.js");
    const source = this.audio.createMediaStreamSource(this.stream);
    this.capture = new AudioWorkletNode(this.audio, "mic-capture");
    source.connect(this.capture);
    this.capture.port.onmessage = ({ data }) => this.onMicFrame(data.pcm, data.level);
    this.player = new BuyerPlayer(this.audio, (segment, position) => this.send({ type: "playout", segment, position_s: Number(position.toFixed(3)) }));
    await this.audio.resume();
  }

  openSocket(path) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.ws = new WebSocket(`${scheme}://${location.host}${path}`);
    this.ws.binaryType = "arraybuffer";
    this.ws.onopen = () => this.send({ type: "start", protocol: 1, persona: this.card.id });
    this.ws.onmessage = (event) => {
      if (typeof event.data === "string") this.onMessage(JSON.parse(event.data));
      else if (this.player) {
        this.player.push(event.data);
        this.ui.captions.dataset.buyerFrames = this.player.received;
      }
    };
    this.ws.onclose = (event) => {
      if (!this.ended) this.fail(event.reason ? `The call was closed: ${event.reason}` : "The connection to the server was lost.");
    };
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  onMicFrame(pcm, level) {
    this.ui.level.style.width = `${Math.min(100, Math.round(level * 400))}%`;
    if (level > Number(this.ui.level.dataset.peak || 0)) this.ui.level.dataset.peak = level.toFixed(3);
    if (!this.ready || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const ducking = !this.ui.headphones.checked && this.player && this.player.playing;
    this.ws.send(ducking && level < BARGE_IN_LEVEL ? new ArrayBuffer(pcm.byteLength) : pcm);
  }

  onMessage(message) {
    switch (message.type) {
      case "ready":
        this.ready = true;
        this.startedAt = performance.now();
        this.tick = setInterval(() => { this.ui.timer.textContent = clock((performance.now() - this.startedAt) / 1000); }, 250);
        this.setStatus("Live", "live");
        this.ui.endButton.disabled = false;
        clear(this.ui.captions);
        break;
      case "transcript": this.caption(message); break;
      case "buyer_speaking":
        if (this.player.segment !== message.segment) this.player.startSegment(message.segment);
        this.buyerSpeaking = true;
        this.ui.ring.classList.add("on");
        this.setStatus(`${this.card.name.split(" ")[0]} is speaking`, "buyer");
        break;
      case "buyer_stopped":
        this.buyerSpeaking = false;
        this.ui.ring.classList.remove("on");
        this.setStatus("Live — your turn", "live");
        break;
      case "clear": this.player.clear(); break;
      case "ended":
        this.ended = true;
        this.setStatus("Call ended — scoring…");
        this.stopMedia();
        setTimeout(() => this.ctx.navigate(`/sessions/${this.callId}`), 600);
        break;
      case "error":
        this.ended = true;
        this.fail(`${message.message} (${message.code})`);
        break;
      default: break; // events and metrics are for the replay, not the live screen
    }
  }

  caption({ speaker, text, final }) {
    // Interim text updates the speaker's open bubble; the final text closes it.
    let bubble = this.live[speaker];
    if (!bubble) {
      bubble = h("div", { class: `bubble ${speaker}`, dataset: { speaker } },
        h("div", { class: "who" }, speaker === "rep" ? "You" : this.card.name), h("div", { class: "text" }));
      this.ui.captions.append(bubble);
      this.live[speaker] = bubble;
    }
    bubble.querySelector(".text").textContent = text;
    bubble.classList.toggle("interim", !final);
    if (final) { bubble.dataset.final = "1"; this.live[speaker] = null; }
    this.ui.captions.scrollTop = this.ui.captions.scrollHeight;
  }

  hangUp() {
    this.ui.endButton.disabled = true;
    this.setStatus("Ending the call…");
    this.send({ type: "end" });
  }

  stopMedia() {
    clearInterval(this.tick);
    this.ready = false;
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    if (this.player) this.player.close();
    if (this.audio && this.audio.state !== "closed") this.audio.close();
    this.stream = null;
    this.player = null;
    this.audio = null;
  }

  close() {
    this.ended = true;
    if (this.ws && this.ws.readyState === WebSocket.OPEN) { this.send({ type: "end" }); this.ws.close(); }
    this.stopMedia();
  }
}
