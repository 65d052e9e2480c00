// Copies between layouts, O(elements) in TypeScript: the glue around the backend's matmuls.
import { f32, type Tensor } from '@unmask/tensor';

/** Side of the square tiles `transposeLast2` copies, so that reads and writes both stay in cache. */
const TILE = 32;

/** The last two axes swapped: [..., R, C] -> [..., C, R]. */
export function transposeLast2(t: Tensor): Tensor {
  const dims = t.dims;
  const r = dims[dims.length - 2]!;
  const c = dims[dims.length - 1]!;
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let start = 0; start < src.length; start += r * c) {
    for (let i0 = 0; i0 < r; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, r);
      for (let j0 = 0; j0 < c; j0 += TILE) {
        const j1 = Math.min(j0 + TILE, c);
        for (let j = j0; j < j1; j++) {
          const row = start + j * r;
          for (let i = i0; i < i1; i++) out[row + i] = src[start + i * c + j]!;
        }
      }
    }
  }
  return f32([...dims.slice(0, -2), c, r], out);
}

/**
 * [B, S, H, D] -> head-major [B * outHeads, S, D], optionally scaled. With outHeads a multiple of H, head h
 * of the output copies input head floor(h / (outHeads / H)) (grouped-query attention's KV sharing).
 */
export function toHeads(x: Tensor, outHeads: number, scale = 1): Tensor {
  const [b, s, h, d] = x.dims as [number, number, number, number];
  const group = outHeads / h;
  const src = x.data as Float32Array;
  const out = new Float32Array(b * outHeads * s * d);
  for (let bi = 0; bi < b; bi++) {
    for (let head = 0; head < outHeads; head++) {
      const from = Math.floor(head / group);
      for (let t = 0; t < s; t++) {
        const dst = ((bi * outHeads + head) * s + t) * d;
        const at = ((bi * s + t) * h + from) * d;
        if (scale === 1) out.set(src.subarray(at, at + d), dst);
        else for (let c = 0; c < d; c++) out[dst + c] = src[at + c]! * scale;
      }
    }
  }
  return f32([b * outHeads, s, d], out);
}

/**
 * The adjoint of `toHeads`: [B * inHeads, S, D] -> [B, S, outHeads, D], summing each group of inHeads / outHeads
 * consecutive heads into one, and scaled.
 */
export function fromHeads(xh: Tensor, batch: number, outHeads: number, scale = 1): Tensor {
  const [bh, s, d] = xh.dims as [number, number, number];
  const inHeads = bh / batch;
  const group = inHeads / outHeads;
  const src = xh.data as Float32Array;
  const out = new Float32Array(batch * s * outHeads * d);
  for (let bi = 0; bi < batch; bi++) {
    for (let head = 0; head < inHeads; head++) {
      const to = Math.floor(head / group);
      for (let t = 0; t < s; t++) {
        const at = ((bi * inHeads + head) * s + t) * d;
        const dst = ((bi * s + t) * outHeads + to) * d;
        for (let c = 0; c < d; c++) out[dst + c]! += src[at + c]! * scale;
      }
    }
  }
  return f32([batch, s, outHeads, d], out);
}

/** Sum of the consecutive blocks of `period` values: the gradient of a broadcast operand. */
export function sumPeriods(t: Tensor, period: number, dims: readonly number[]): Tensor {
  const src = t.data as Float32Array;
  const out = new Float32Array(period);
  for (let start = 0; start < src.length; start += period) {
    for (let i = 0; i < period; i++) out[i]! += src[start + i]!;
  }
  return f32(dims, out);
}
