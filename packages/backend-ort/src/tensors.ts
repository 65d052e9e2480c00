// Small tensor helpers for feeding graphs: views are free because tensors are contiguous.
import { Tensor } from 'onnxruntime-common';

/** The same data under other dims (no copy). */
export function view(t: Tensor, dims: readonly number[]): Tensor {
  return new Tensor(t.type, t.data as Float32Array, dims);
}

/** A zero-filled float32 tensor: the result of ops whose output is empty or sums over nothing. */
export function zerosF32(dims: readonly number[]): Tensor {
  return new Tensor('float32', new Float32Array(dims.reduce((n, d) => n * d, 1)), dims);
}
