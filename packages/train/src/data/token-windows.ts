import { TrainError } from '../errors';
import type { Rng } from '../random';

/** Fixed-length windows of a token stream: the sequences a model trains and validates on. */
export class TokenWindows {
  constructor(
    readonly tokens: Int32Array,
    readonly seqLen: number,
  ) {
    if (tokens.length < seqLen) {
      throw new TrainError(`${tokens.length} tokens cannot fill one sequence of ${seqLen}`);
    }
  }

  /** `count` windows starting at uniformly random offsets, concatenated: int32 [count * seqLen]. */
  sample(rng: Rng, count: number): Int32Array {
    const out = new Int32Array(count * this.seqLen);
    const starts = this.tokens.length - this.seqLen + 1;
    for (let i = 0; i < count; i++) {
      const start = rng.int(starts);
      out.set(this.tokens.subarray(start, start + this.seqLen), i * this.seqLen);
    }
    return out;
  }

  /** Up to `count` evenly spaced windows covering the stream (the same ones every time), concatenated. */
  evenlySpaced(count: number): Int32Array {
    const starts = this.tokens.length - this.seqLen;
    const n = Math.min(count, Math.floor(this.tokens.length / this.seqLen));
    const out = new Int32Array(n * this.seqLen);
    for (let i = 0; i < n; i++) {
      const start = n === 1 ? 0 : Math.round((i * starts) / (n - 1));
      out.set(this.tokens.subarray(start, start + this.seqLen), i * this.seqLen);
    }
    return out;
  }
}
