export interface TimingOptions {
  /** Stop sampling after this much time per measured function (after at least `minRuns`). */
  budgetMs: number;
  minRuns: number;
  warmupRuns: number;
}

export const DEFAULT_TIMING: TimingOptions = { budgetMs: 600, minRuns: 3, warmupRuns: 1 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median seconds per call of each function, sampled in interleaved rounds (one call of each per
 * round) so that a slow spell of this shared machine hits all of them alike and ratios stay honest.
 */
export function timeInterleaved(fns: (() => unknown)[], options: TimingOptions = DEFAULT_TIMING): number[] {
  for (const fn of fns) for (let i = 0; i < options.warmupRuns; i++) fn();
  const samples: number[][] = fns.map(() => []);
  const start = performance.now();
  let rounds = 0;
  while (rounds < options.minRuns || performance.now() - start < options.budgetMs * fns.length) {
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      fn();
      samples[i]!.push((performance.now() - t0) / 1000);
    });
    rounds++;
  }
  return samples.map(median);
}

/** Median seconds per call of one function. */
export function timeIt(fn: () => unknown, options: TimingOptions = DEFAULT_TIMING): number {
  return timeInterleaved([fn], options)[0]!;
}
