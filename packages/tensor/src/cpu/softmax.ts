import type { Tensor } from 'onnxruntime-common';
import { lastAxisShape } from '../op-shapes';
import { f32, f32Data } from '../shape';

function rowMax(x: Float32Array, start: number, n: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (x[start + i]! > max) max = x[start + i]!;
  return max;
}

export function softmax(x: Tensor): Tensor {
  const { rows, n } = lastAxisShape('softmax', x);
  const xs = f32Data(x);
  const result = f32(x.dims);
  const o = result.data as Float32Array;
  const exps = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const start = r * n;
    const max = rowMax(xs, start, n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(xs[start + i]! - max);
      exps[i] = e;
      sum += e;
    }
    for (let i = 0; i < n; i++) o[start + i] = exps[i]! / sum;
  }
  return result;
}

export function logSoftmax(x: Tensor): Tensor {
  const { rows, n } = lastAxisShape('logSoftmax', x);
  const xs = f32Data(x);
  const result = f32(x.dims);
  const o = result.data as Float32Array;
  for (let r = 0; r < rows; r++) {
    const start = r * n;
    const max = rowMax(xs, start, n);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(xs[start + i]! - max);
    const logSum = max + Math.log(sum);
    for (let i = 0; i < n; i++) o[start + i] = xs[start + i]! - logSum;
  }
  return result;
}
