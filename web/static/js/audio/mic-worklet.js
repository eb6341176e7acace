// AudioWorklet: microphone at the context rate -> 20 ms frames of PCM16 mono at 16 kHz.
// Resampling is a box filter (anti-alias) followed by linear interpolation, which is plenty
// for speech recognition; each frame is posted with its RMS level for the meter.
const OUT_RATE = 16000;
const FRAME = 320; // 20 ms at 16 kHz

class MicCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / OUT_RATE;
    this.position = 0; // fractional read position into the pending input
    this.pending = new Float32Array(0);
    this.frame = new Int16Array(FRAME);
    this.filled = 0;
    this.sumSquares = 0;
  }

  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    const merged = new Float32Array(this.pending.length + input.length);
    merged.set(this.pending);
    merged.set(input, this.pending.length);
    const width = Math.max(1, Math.round(this.ratio));
    while (this.position + width < merged.length) {
      const i = Math.floor(this.position);
      let acc = 0;
      for (let k = 0; k < width; k++) acc += merged[i + k];
      const sample = Math.max(-1, Math.min(1, acc / width));
      this.frame[this.filled++] = sample < 0 ? sample * 0x8000 : sample * 0x7fff;
      this.sumSquares += sample * sample;
      if (this.filled === FRAME) {
        const level = Math.sqrt(this.sumSquares / FRAME);
        this.port.postMessage({ pcm: this.frame.buffer, level }, [this.frame.buffer]);
        this.frame = new Int16Array(FRAME);
        this.filled = 0;
        this.sumSquares = 0;
      }
      this.position += this.ratio;
    }
    const consumed = Math.floor(this.position);
    this.pending = merged.slice(consumed);
    this.position -= consumed;
    return true;
  }
}

registerProcessor("mic-capture", MicCapture);
