import type { Tensor } from 'onnxruntime-common';
import { linearShape } from '../op-shapes';
import { f32, f32Data } from '../shape';
import { multiplyTransposedB } from './matmul';

/** y = x W^T + bias: W [out, in] is already the transposed-B layout of the matmul kernel. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const { out, rows, inFeatures, outFeatures } = linearShape(x, weight, bias);
  const result = f32(out);
  multiplyTransposedB(
    f32Data(x),
    0,
    f32Data(weight),
    0,
    result.data as Float32Array,
    0,
    rows,
    inFeatures,
    outFeatures,
    bias ? f32Data(bias) : undefined,
  );
  return result;
}
