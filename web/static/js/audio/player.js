// Plays the buyer's PCM16 16 kHz frames gaplessly and reports how far each segment has played.
const RATE = 16000;

export class BuyerPlayer {
  constructor(context, onPlayout) {
    this.context = context;
    this.onPlayout = onPlayout;
    this.gain = context.createGain();
    this.gain.connect(context.destination);
    this.sources = new Set();
    this.nextTime = 0;
    this.segment = null;
    this.segmentStart = null;
    this.received = 0; // frames of buyer audio received (shown on the page for tests and support)
    this.timer = setInterval(() => this.report(), 200);
  }

  get playing() { return this.context.currentTime < this.nextTime - 0.01; }

  startSegment(segment) {
    this.segment = segment;
    this.segmentStart = null;
  }

  push(arrayBuffer) {
    const pcm = new Int16Array(arrayBuffer);
    if (!pcm.length) return;
    this.received += 1;
    const buffer = this.context.createBuffer(1, pcm.length, RATE);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 0x8000;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.gain);
    const at = Math.max(this.nextTime, this.context.currentTime + 0.04);
    if (this.segmentStart === null) this.segmentStart = at;
    source.start(at);
    this.nextTime = at + buffer.duration;
    this.sources.add(source);
    source.onended = () => this.sources.delete(source);
  }

  clear() {
    for (const source of this.sources) { try { source.stop(); } catch (e) { /* already stopped */ } }
    this.sources.clear();
    this.report();
    this.nextTime = this.context.currentTime;
    this.segmentStart = null;
  }

  position() {
    if (this.segmentStart === null) return 0;
    return Math.max(0, Math.min(this.context.currentTime, this.nextTime) - this.segmentStart);
  }

  report() {
    if (this.segment !== null && this.segmentStart !== null) this.onPlayout(this.segment, this.position());
  }

  close() { clearInterval(this.timer); this.clear(); }
}
