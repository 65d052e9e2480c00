import type { Tensor } from 'onnxruntime-common';
import { gatherRowsShape } from '../op-shapes';
import { f32, f32Data, i32Data } from '../shape';

export function gatherRows(x: Tensor, rows: Tensor): Tensor {
  const { out, outer, n, d, r } = gatherRowsShape(x, rows);
  const xs = f32Data(x);
  const picked = i32Data(rows);
  const result = f32(out);
  const o = result.data as Float32Array;
  for (let block = 0; block < outer; block++) {
    for (let i = 0; i < r; i++) {
      const start = (block * n + picked[i]!) * d;
      o.set(xs.subarray(start, start + d), (block * r + i) * d);
    }
  }
  return result;
}
