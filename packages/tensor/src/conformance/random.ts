// Deterministic random inputs: every case seeds its own generator from its name.
import type { Tensor } from 'onnxruntime-common';
import { mulberry32 } from '../random';
import { bool, type Dims, f32, i32, numel } from '../shape';

/** FNV-1a hash of a string, used as a seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface InputGenerator {
  /** Uniform in [-1, 1). */
  uniform(): number;
  /** Integer in [0, limit). */
  int(limit: number): number;
  permutation(n: number): number[];
  /** float32, uniform in offset + [-scale, scale). */
  floats(dims: Dims, scale?: number, offset?: number): Tensor;
  /** float32 where every row of the last axis holds distinct values in random order (for topk/argmax). */
  distinctRows(dims: Dims): Tensor;
  /** int32 values in [0, limit). */
  ints(dims: Dims, limit: number): Tensor;
  /** bool, true with probability pTrue. */
  bools(dims: Dims, pTrue: number): Tensor;
}

export function inputGenerator(seed: string): InputGenerator {
  const next = mulberry32(hashSeed(seed));
  const int = (limit: number) => Math.floor(next() * limit);
  const permutation = (n: number) => {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  };
  return {
    uniform: () => 2 * next() - 1,
    int,
    permutation,
    floats: (dims, scale = 1, offset = 0) =>
      f32(
        dims,
        Float32Array.from({ length: numel(dims) }, () => offset + scale * (2 * next() - 1)),
      ),
    distinctRows: (dims) => {
      const n = dims[dims.length - 1]!;
      const data = new Float32Array(numel(dims));
      // Rank r maps to (r - n/2) * 4/n plus a sub-step jitter: distinct in float32 for any n < 2^20.
      for (let start = 0; start < data.length; start += n) {
        permutation(n).forEach((rank, i) => {
          data[start + i] = ((rank - n / 2 + 0.5 * next()) * 4) / n;
        });
      }
      return f32(dims, data);
    },
    ints: (dims, limit) =>
      i32(
        dims,
        Int32Array.from({ length: numel(dims) }, () => int(limit)),
      ),
    bools: (dims, pTrue) =>
      bool(
        dims,
        Uint8Array.from({ length: numel(dims) }, () => (next() < pTrue ? 1 : 0)),
      ),
  };
}
