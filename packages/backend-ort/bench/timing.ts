import { availableParallelism } from 'node:os';
import type { SessionOptions } from '../src/session';

// Timing helpers for the benchmarks. These machines are shared and noisy: candidates are timed in
// interleaved rounds and each reports its median, so a burst of load hits all of them alike.

/** Median microseconds per call of each candidate, over `rounds` interleaved batches of ~`batchMs`. */
export function compare(
  candidates: Record<string, () => unknown>,
  rounds = 7,
  batchMs = 40,
): Record<string, number> {
  const reps: Record<string, number> = {};
  const samples: Record<string, number[]> = {};
  for (const [name, fn] of Object.entries(candidates)) {
    for (let i = 0; i < 2; i++) fn();
    const start = performance.now();
    let calls = 0;
    while (performance.now() - start < batchMs / 4 || calls < 2) {
      fn();
      calls++;
    }
    reps[name] = Math.max(1, Math.round(batchMs / ((performance.now() - start) / calls)));
    samples[name] = [];
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(candidates)) {
      const n = reps[name]!;
      const start = performance.now();
      for (let i = 0; i < n; i++) fn();
      samples[name]!.push(((performance.now() - start) * 1000) / n);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, Math.min(...list)]));
}

/** Deterministic values in [-0.5, 0.5). */
export function randomF32(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** A table row: the label, then each number right-aligned. */
export function row(label: string, values: readonly number[], digits = 1): string {
  return label.padEnd(14) + values.map((v) => v.toFixed(digits).padStart(12)).join('');
}

/** Session options of a benchmark run: THREADS (default: all cores) and SPIN=1 from the environment. */
export function benchOptions(): SessionOptions {
  return {
    intraOpNumThreads: Number(process.env.THREADS ?? availableParallelism()),
    allowSpinning: process.env.SPIN === '1',
  };
}
