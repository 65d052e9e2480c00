import type { Tensor } from 'onnxruntime-common';
import { scatterRowsShape } from '../op-shapes';
import { f32, f32Data, i32Data } from '../shape';

export function scatterRows(x: Tensor, rows: Tensor, src: Tensor): Tensor {
  const { outer, n, d, r } = scatterRowsShape(x, rows, src);
  const targets = i32Data(rows);
  const s = f32Data(src);
  const result = f32(x.dims, f32Data(x).slice());
  const o = result.data as Float32Array;
  for (let block = 0; block < outer; block++) {
    for (let i = 0; i < r; i++) {
      const start = (block * r + i) * d;
      o.set(s.subarray(start, start + d), (block * n + targets[i]!) * d);
    }
  }
  return result;
}
