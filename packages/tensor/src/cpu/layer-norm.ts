import type { Tensor } from 'onnxruntime-common';
import { normShape } from '../op-shapes';
import { f32, f32Data } from '../shape';

export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor | undefined, eps: number): Tensor {
  const { rows, d } = normShape('layerNorm', x, weight, bias);
  const xs = f32Data(x);
  const w = f32Data(weight);
  const b = bias ? f32Data(bias) : undefined;
  const result = f32(x.dims);
  const o = result.data as Float32Array;
  for (let r = 0; r < rows; r++) {
    const start = r * d;
    let sum = 0;
    for (let i = 0; i < d; i++) sum += xs[start + i]!;
    const mean = sum / d;
    // Two passes: the variance of centred values does not cancel catastrophically.
    let sumSquares = 0;
    for (let i = 0; i < d; i++) {
      const c = xs[start + i]! - mean;
      sumSquares += c * c;
    }
    const inv = 1 / Math.sqrt(sumSquares / d + eps);
    for (let i = 0; i < d; i++) o[start + i] = (xs[start + i]! - mean) * inv * w[i]! + (b ? b[i]! : 0);
  }
  return result;
}
