import type { Tensor } from 'onnxruntime-common';
import { normShape } from '../op-shapes';
import { f32, f32Data } from '../shape';

export function rmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  const { rows, d } = normShape('rmsNorm', x, weight);
  const xs = f32Data(x);
  const w = f32Data(weight);
  const result = f32(x.dims);
  const o = result.data as Float32Array;
  for (let r = 0; r < rows; r++) {
    const start = r * d;
    let sumSquares = 0;
    for (let i = 0; i < d; i++) sumSquares += xs[start + i]! * xs[start + i]!;
    const inv = 1 / Math.sqrt(sumSquares / d + eps);
    for (let i = 0; i < d; i++) o[start + i] = xs[start + i]! * inv * w[i]!;
  }
  return result;
}
