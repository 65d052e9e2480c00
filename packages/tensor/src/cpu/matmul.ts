import type { Tensor } from 'onnxruntime-common';
import { matmulShape } from '../op-shapes';
import { f32, f32Data } from '../shape';

// Rows of bt read per pass over a 4-row block of a: about 512 KiB of bt, so the panel stays in L2.
const PANEL_FLOATS = 1 << 17;

/**
 * out[m, n] = a[m, k] · bt[n, k]^T (+ bias[n]), all row-major from the given offsets.
 * Every output is a dot product of two contiguous rows, computed 4x4 at a time in float64 locals:
 * 8 loads feed 16 multiply-adds.
 */
export function multiplyTransposedB(
  a: Float32Array,
  aOffset: number,
  bt: Float32Array,
  btOffset: number,
  out: Float32Array,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  bias?: Float32Array,
): void {
  const panel = Math.max(4, Math.floor(PANEL_FLOATS / Math.max(k, 1)) & ~3);
  for (let j0 = 0; j0 < n; j0 += panel) {
    const j1 = Math.min(n, j0 + panel);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const a0 = aOffset + i * k;
      const a1 = a0 + k;
      const a2 = a1 + k;
      const a3 = a2 + k;
      let j = j0;
      // biome-ignore format: the 4x4 layout mirrors the tile being computed
      for (; j + 4 <= j1; j += 4) {
        const b0 = btOffset + j * k;
        const b1 = b0 + k;
        const b2 = b1 + k;
        const b3 = b2 + k;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let p = 0; p < k; p++) {
          const x0 = a[a0 + p]!;
          const x1 = a[a1 + p]!;
          const x2 = a[a2 + p]!;
          const x3 = a[a3 + p]!;
          const y0 = bt[b0 + p]!;
          const y1 = bt[b1 + p]!;
          const y2 = bt[b2 + p]!;
          const y3 = bt[b3 + p]!;
          c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
          c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
          c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
          c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        }
        const d0 = bias ? bias[j]! : 0;
        const d1 = bias ? bias[j + 1]! : 0;
        const d2 = bias ? bias[j + 2]! : 0;
        const d3 = bias ? bias[j + 3]! : 0;
        let o = outOffset + i * n + j;
        out[o] = c00 + d0; out[o + 1] = c01 + d1; out[o + 2] = c02 + d2; out[o + 3] = c03 + d3;
        o += n;
        out[o] = c10 + d0; out[o + 1] = c11 + d1; out[o + 2] = c12 + d2; out[o + 3] = c13 + d3;
        o += n;
        out[o] = c20 + d0; out[o + 1] = c21 + d1; out[o + 2] = c22 + d2; out[o + 3] = c23 + d3;
        o += n;
        out[o] = c30 + d0; out[o + 1] = c31 + d1; out[o + 2] = c32 + d2; out[o + 3] = c33 + d3;
      }
      for (; j < j1; j++) {
        const b0 = btOffset + j * k;
        let c0 = 0;
        let c1 = 0;
        let c2 = 0;
        let c3 = 0;
        for (let p = 0; p < k; p++) {
          const y = bt[b0 + p]!;
          c0 += a[a0 + p]! * y;
          c1 += a[a1 + p]! * y;
          c2 += a[a2 + p]! * y;
          c3 += a[a3 + p]! * y;
        }
        const d = bias ? bias[j]! : 0;
        const o = outOffset + i * n + j;
        out[o] = c0 + d;
        out[o + n] = c1 + d;
        out[o + 2 * n] = c2 + d;
        out[o + 3 * n] = c3 + d;
      }
    }
    for (; i < m; i++) {
      const a0 = aOffset + i * k;
      for (let j = j0; j < j1; j++) {
        const b0 = btOffset + j * k;
        let c = 0;
        for (let p = 0; p < k; p++) c += a[a0 + p]! * bt[b0 + p]!;
        out[outOffset + i * n + j] = c + (bias ? bias[j]! : 0);
      }
    }
  }
}

/** Writes the transpose of the k x n matrix at src[offset] into out (n x k), in cache-sized tiles. */
function transposeInto(src: Float32Array, offset: number, k: number, n: number, out: Float32Array): void {
  const tile = 32;
  for (let p0 = 0; p0 < k; p0 += tile) {
    const p1 = Math.min(k, p0 + tile);
    for (let j0 = 0; j0 < n; j0 += tile) {
      const j1 = Math.min(n, j0 + tile);
      for (let p = p0; p < p1; p++) {
        const row = offset + p * n;
        for (let j = j0; j < j1; j++) out[j * k + p] = src[row + j]!;
      }
    }
  }
}

export function matmul(a: Tensor, b: Tensor, options: { transposeB?: boolean } = {}): Tensor {
  const transposeB = options.transposeB ?? false;
  const { out, batch, m, k, n, sharedB } = matmulShape(a, b, transposeB);
  const result = f32(out);
  const aData = f32Data(a);
  const bData = f32Data(b);
  const outData = result.data as Float32Array;
  // Without transposeB, b is packed into [N, K] (once when shared) so one kernel serves both layouts.
  const packed = transposeB ? undefined : new Float32Array(k * n);
  for (let i = 0; i < batch; i++) {
    const bOffset = sharedB ? 0 : i * k * n;
    if (packed && (i === 0 || !sharedB)) transposeInto(bData, bOffset, k, n, packed);
    const bt = packed ?? bData;
    const btOffset = packed ? 0 : bOffset;
    multiplyTransposedB(aData, i * m * k, bt, btOffset, outData, i * m * n, m, k, n);
  }
  return result;
}
