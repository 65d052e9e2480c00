import type { Tensor } from 'onnxruntime-common';
import { lastAxisShape, swigluShape } from '../op-shapes';
import { f32, f32Data } from '../shape';

export function silu(x: Tensor): Tensor {
  lastAxisShape('silu', x);
  const xs = f32Data(x);
  const result = f32(x.dims);
  const o = result.data as Float32Array;
  for (let i = 0; i < xs.length; i++) o[i] = xs[i]! / (1 + Math.exp(-xs[i]!));
  return result;
}

export function swiglu(gate: Tensor, up: Tensor): Tensor {
  const dims = swigluShape(gate, up);
  const g = f32Data(gate);
  const u = f32Data(up);
  const result = f32(dims);
  const o = result.data as Float32Array;
  for (let i = 0; i < g.length; i++) o[i] = (g[i]! / (1 + Math.exp(-g[i]!))) * u[i]!;
  return result;
}
