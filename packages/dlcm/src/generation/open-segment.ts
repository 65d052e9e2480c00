/**
 * The running sum of the open segment's encoder states, accumulated exactly as `meanPoolSegments`
 * does (in float32, in token order), so its mean is bit-identical to the full forward's pool.
 */
export class OpenSegment {
  private readonly sum: Float32Array;
  private size = 0;

  constructor(width: number) {
    this.sum = new Float32Array(width);
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  add(state: Float32Array): void {
    const { sum } = this;
    for (let d = 0; d < sum.length; d++) sum[d]! += state[d]!;
    this.size++;
  }

  /** The segment's mean, leaving the running sum empty for the next segment. */
  close(): Float32Array {
    const mean = new Float32Array(this.sum);
    if (this.size > 1) for (let d = 0; d < mean.length; d++) mean[d]! /= this.size;
    this.sum.fill(0);
    this.size = 0;
    return mean;
  }
}
