import { Tensor } from 'onnxruntime-common';

export type Dims = readonly number[];

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function numel(dims: Dims): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Product of dims[from, to). */
export function dimsProduct(dims: Dims, from = 0, to = dims.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= dims[i]!;
  return n;
}

export function sameDims(a: Dims, b: Dims): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Last dimension of a tensor of rank >= 1. */
export function lastDim(dims: Dims): number {
  return dims[dims.length - 1] ?? 1;
}

/** A new float32 tensor, zero-filled unless `data` is given (taken as is, not copied). */
export function f32(dims: Dims, data?: Float32Array | readonly number[]): Tensor {
  const n = numel(dims);
  const buf =
    data === undefined ? new Float32Array(n) : data instanceof Float32Array ? data : Float32Array.from(data);
  if (buf.length !== n) throw new RangeError(`f32: ${buf.length} values for shape [${dims.join(', ')}]`);
  return new Tensor('float32', buf, dims);
}

/** A new int32 tensor (indices, token ids, positions). */
export function i32(dims: Dims, data?: Int32Array | readonly number[]): Tensor {
  const n = numel(dims);
  const buf =
    data === undefined ? new Int32Array(n) : data instanceof Int32Array ? data : Int32Array.from(data);
  if (buf.length !== n) throw new RangeError(`i32: ${buf.length} values for shape [${dims.join(', ')}]`);
  return new Tensor('int32', buf, dims);
}

/** A new bool tensor (attention masks); values are 0/1 bytes. */
export function bool(dims: Dims, data?: Uint8Array | readonly (boolean | number)[]): Tensor {
  const n = numel(dims);
  const buf =
    data === undefined
      ? new Uint8Array(n)
      : data instanceof Uint8Array
        ? data
        : Uint8Array.from(data, (v) => (v ? 1 : 0));
  if (buf.length !== n) throw new RangeError(`bool: ${buf.length} values for shape [${dims.join(', ')}]`);
  return new Tensor('bool', buf, dims);
}

/** The float32 data of a tensor; throws if it is not float32. */
export function f32Data(t: Tensor): Float32Array {
  if (t.type !== 'float32') throw new TypeError(`expected a float32 tensor, got ${t.type}`);
  return t.data as Float32Array;
}

/** The int32 data of a tensor; throws if it is not int32. */
export function i32Data(t: Tensor): Int32Array {
  if (t.type !== 'int32') throw new TypeError(`expected an int32 tensor, got ${t.type}`);
  return t.data as Int32Array;
}

/** Same data, new dims (contiguous layout: no copy). */
export function reshape(t: Tensor, dims: Dims): Tensor {
  if (numel(dims) !== t.size) {
    throw new RangeError(
      `reshape: [${t.dims.join(', ')}] has ${t.size} elements, [${dims.join(', ')}] needs ${numel(dims)}`,
    );
  }
  return t.reshape(dims);
}
