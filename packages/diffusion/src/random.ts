/**
 * A seeded PRNG (xoshiro128**, state filled by splitmix32): identical sequences on every platform
 * for the same seed. Not PyTorch's generator: seeded runs are reproducible here, not bit-identical
 * to the official code's random draws.
 */
export class Random {
  private readonly state = new Uint32Array(4);

  /** seed: a non-negative safe integer; its high and low 32 bits both count. */
  constructor(seed = 0) {
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[i] = z ^ (z >>> 16);
    }
  }

  uint32(): number {
    const s = this.state;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits (as `torch.rand(dtype=float64)`). */
  float64(): number {
    return ((this.uint32() >>> 5) * 2 ** 26 + (this.uint32() >>> 6)) / 2 ** 53;
  }

  /** Uniform in [0, 1) with 24 random bits, a float32 value (as `torch.rand`). */
  float32(): number {
    return (this.uint32() >>> 8) / 2 ** 24;
  }

  /** An index drawn with probability weights[i] / sum(weights); weights >= 0 with a positive sum. */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    let u = this.float64() * total;
    let last = 0;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i]! <= 0) continue;
      last = i;
      u -= weights[i]!;
      if (u < 0) return i;
    }
    return last;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
