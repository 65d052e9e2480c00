import type { Tensor } from 'onnxruntime-common';
import { cosineRowsShape } from '../op-shapes';
import { f32, f32Data } from '../shape';

const EPS = 1e-8;

export function cosineRows(a: Tensor, b: Tensor): Tensor {
  const { out, rows, d } = cosineRowsShape(a, b);
  const x = f32Data(a);
  const y = f32Data(b);
  const result = f32(out);
  const o = result.data as Float32Array;
  for (let r = 0; r < rows; r++) {
    const start = r * d;
    let dot = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i < d; i++) {
      const xi = x[start + i]!;
      const yi = y[start + i]!;
      dot += xi * yi;
      xx += xi * xi;
      yy += yi * yi;
    }
    o[r] = dot / (Math.max(Math.sqrt(xx), EPS) * Math.max(Math.sqrt(yy), EPS));
  }
  return result;
}
