import type { Tensor } from 'onnxruntime-common';
import { ropeShape } from '../op-shapes';
import { f32, f32Data, i32Data } from '../shape';

export function rope(x: Tensor, positions: Tensor, theta: number): Tensor {
  const { batch, s, h, d } = ropeShape(x, positions);
  const half = d / 2;
  const pos = i32Data(positions);
  // cos/sin per (position, pair), in float64: angles at large positions need the precision.
  const cos = new Float64Array(s * half);
  const sin = new Float64Array(s * half);
  for (let i = 0; i < half; i++) {
    const inverseFrequency = theta ** ((-2 * i) / d);
    for (let t = 0; t < s; t++) {
      const angle = pos[t]! * inverseFrequency;
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  const xs = f32Data(x);
  const result = f32(x.dims);
  const o = result.data as Float32Array;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < s; t++) {
      const table = t * half;
      for (let head = 0; head < h; head++) {
        const start = ((b * s + t) * h + head) * d;
        for (let i = 0; i < half; i++) {
          const x1 = xs[start + i]!;
          const x2 = xs[start + half + i]!;
          const c = cos[table + i]!;
          const sn = sin[table + i]!;
          o[start + i] = x1 * c - x2 * sn;
          o[start + half + i] = x2 * c + x1 * sn;
        }
      }
    }
  }
  return result;
}
