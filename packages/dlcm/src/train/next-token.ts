import { i32, type Tensor } from '@unmask/tensor';

/** Next-token prediction over sequences [B, S]: token t predicts token t + 1. */
export interface NextTokenTargets {
  /** int32 [B * (S - 1)]: the flat rows b * S + t with t < S - 1 (each sequence's last token predicts nothing). */
  rows: Tensor;
  /** The ids at b * S + t + 1. */
  targets: Int32Array;
  /** 1 / normaliser each: the cross-entropy is a mean over `normaliser` predicted tokens. */
  weights: Float32Array;
}

/** Targets of ids int32 [batch * length]; pass the optimiser step's predicted tokens as `normaliser`. */
export function nextTokenTargets(
  ids: Int32Array,
  batch: number,
  length: number,
  normaliser = batch * (length - 1),
): NextTokenTargets {
  const rows: number[] = [];
  for (let b = 0; b < batch; b++) for (let t = 0; t + 1 < length; t++) rows.push(b * length + t);
  return {
    rows: i32([rows.length], rows),
    targets: Int32Array.from(rows, (row) => ids[row + 1]!),
    weights: new Float32Array(rows.length).fill(1 / normaliser),
  };
}
