import type { Tensor } from 'onnxruntime-common';
import { embeddingShape } from '../op-shapes';
import { f32, f32Data, i32Data } from '../shape';

export function embedding(ids: Tensor, table: Tensor): Tensor {
  const { out, d } = embeddingShape(ids, table);
  const idData = i32Data(ids);
  const rows = f32Data(table);
  const result = f32(out);
  const o = result.data as Float32Array;
  for (let i = 0; i < idData.length; i++) {
    const start = idData[i]! * d;
    o.set(rows.subarray(start, start + d), i * d);
  }
  return result;
}
