import type { Tensor } from 'onnxruntime-common';
import { argmaxShape } from '../op-shapes';
import { f32Data, i32 } from '../shape';

export function argmax(x: Tensor): Tensor {
  const { out, rows, n } = argmaxShape(x);
  const xs = f32Data(x);
  const result = i32(out);
  const o = result.data as Int32Array;
  for (let r = 0; r < rows; r++) {
    const start = r * n;
    let best = 0;
    for (let i = 1; i < n; i++) if (xs[start + i]! > xs[start + best]!) best = i;
    o[r] = best;
  }
  return result;
}
