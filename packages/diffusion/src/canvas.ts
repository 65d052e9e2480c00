import type { CachePolicy } from '@unmask/cache';
import type { StepEvent } from './events';
import type { Candidate } from './select';

/** Prompt followed by genLength mask tokens. */
export function initialCanvas(prompt: ArrayLike<number>, genLength: number, maskId: number): Int32Array {
  const canvas = new Int32Array(prompt.length + genLength).fill(maskId);
  canvas.set(Array.from(prompt));
  return canvas;
}

/** Positions in [start, end) that still hold the mask token, ascending. */
export function maskedPositions(canvas: Int32Array, start: number, end: number, maskId: number): number[] {
  const positions: number[] = [];
  for (let i = start; i < end; i++) if (canvas[i] === maskId) positions.push(i);
  return positions;
}

/** Writes the chosen tokens and describes the step. */
export function commit(
  canvas: Int32Array,
  chosen: readonly Candidate[],
  step: number,
  block: number,
  policy: CachePolicy,
): StepEvent {
  const committed = chosen.map((c): [number, number] => [c.position, c.token]).sort((a, b) => a[0] - b[0]);
  for (const [position, token] of committed) canvas[position] = token;
  return { step, block, committed, canvas: canvas.slice(), flops: policy.flops.perStep[step] ?? 0 };
}
