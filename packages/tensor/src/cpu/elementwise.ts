import type { Tensor } from 'onnxruntime-common';
import { broadcastShape } from '../op-shapes';
import { f32, f32Data } from '../shape';

export function add(a: Tensor, b: Tensor): Tensor {
  const { out, period } = broadcastShape('add', a, b);
  const x = f32Data(a);
  const y = f32Data(b);
  const result = f32(out);
  const o = result.data as Float32Array;
  for (let start = 0; start < x.length; start += period) {
    for (let i = 0; i < period; i++) o[start + i] = x[start + i]! + y[i]!;
  }
  return result;
}

export function mul(a: Tensor, b: Tensor): Tensor {
  const { out, period } = broadcastShape('mul', a, b);
  const x = f32Data(a);
  const y = f32Data(b);
  const result = f32(out);
  const o = result.data as Float32Array;
  for (let start = 0; start < x.length; start += period) {
    for (let i = 0; i < period; i++) o[start + i] = x[start + i]! * y[i]!;
  }
  return result;
}
