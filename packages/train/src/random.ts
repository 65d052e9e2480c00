/**
 * A seeded PRNG (mulberry32) whose whole state is one uint32, so a training run can save and restore
 * it exactly. Separate instances drive initialisation, data order and masking.
 */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** The state, to save; `new Rng(state)` continues the same sequence. */
  get state(): number {
    return this.s;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, limit). */
  int(limit: number): number {
    return Math.floor(this.next() * limit);
  }

  /** Standard normal (Box-Muller; two draws per value, no spare kept, so the state stays one number). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** A seed for one purpose of a run, derived from the run's seed (FNV-1a over the purpose's name). */
export function deriveSeed(seed: number, purpose: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
