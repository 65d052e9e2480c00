// Per-row math over logits rows (JS loops: O(tokens x vocab) sampling work, never matmul-shaped).
import type { Random } from './random';

/** A row of `width` logits starting at `offset` of a flat [rows, width] array. */
export interface Row {
  data: Float32Array;
  offset: number;
  width: number;
}

export function rowAt(data: Float32Array, index: number, width: number): Row {
  return { data, offset: index * width, width };
}

/** Index of the largest logit (first on ties), skipping `banned` ids (their logit is -inf). */
export function argmax(row: Row, banned: ReadonlySet<number> = NO_IDS): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.width; i++) {
    const value = row.data[row.offset + i]!;
    if (value > bestValue && !banned.has(i)) {
      best = i;
      bestValue = value;
    }
  }
  return best === -1 ? firstAllowed(row.width, banned) : best;
}

/** softmax(row)[index] with `banned` logits at -inf (0 when index itself is banned). */
export function probability(row: Row, index: number, banned: ReadonlySet<number> = NO_IDS): number {
  if (banned.has(index)) return 0;
  const { data, offset, width } = row;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  if (banned.size === 0) {
    // The same sums without a set lookup per entry, which nearly doubled their time (32 rows of
    // 8192 logits: 8.6 ms -> 4.9 ms a step).
    for (let i = offset; i < offset + width; i++) max = Math.max(max, data[i]!);
    for (let i = offset; i < offset + width; i++) sum += Math.exp(data[i]! - max);
  } else {
    for (let i = 0; i < width; i++) if (!banned.has(i)) max = Math.max(max, data[offset + i]!);
    for (let i = 0; i < width; i++) if (!banned.has(i)) sum += Math.exp(data[offset + i]! - max);
  }
  return Math.exp(data[offset + index]! - max) / sum;
}

/**
 * LLaDA's Gumbel-max sampling in float64, as upstream `add_gumbel_noise`: the argmax of
 * exp(l) / (-log u)^temperature with u uniform in [0, 1) per vocabulary entry.
 */
export function gumbelArgmax(
  row: Row,
  temperature: number,
  random: Random,
  banned: ReadonlySet<number> = NO_IDS,
): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.width; i++) {
    const noise = (-Math.log(random.float64())) ** temperature;
    const value = Math.exp(row.data[row.offset + i]!) / noise;
    if (value > bestValue && !banned.has(i)) {
      best = i;
      bestValue = value;
    }
  }
  return best === -1 ? argmax(row, banned) : best;
}

const NO_IDS: ReadonlySet<number> = new Set();

function firstAllowed(width: number, banned: ReadonlySet<number>): number {
  for (let i = 0; i < width; i++) if (!banned.has(i)) return i;
  return 0;
}
