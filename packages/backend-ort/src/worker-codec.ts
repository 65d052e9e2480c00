// Tensors across worker_threads: onnxruntime-common Tensors do not survive structured cloning (their
// data sits behind a getter), so they travel as plain records and are rebuilt on the other side.
import { Tensor } from 'onnxruntime-common';

const TAG = '__unmaskTensor';

interface TensorRecord {
  [TAG]: true;
  type: Tensor.Type;
  dims: readonly number[];
  data: Tensor.DataType;
}

/** `value` with every Tensor (in arrays and plain objects) replaced by a record; `buffers` collects their ArrayBuffers. */
export function encode(value: unknown, buffers: ArrayBuffer[] = []): unknown {
  if (value instanceof Tensor) {
    const data = value.data;
    if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer && !buffers.includes(data.buffer)) {
      buffers.push(data.buffer);
    }
    const record: TensorRecord = { [TAG]: true, type: value.type, dims: value.dims, data };
    return record;
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, buffers));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, buffers)]));
  }
  return value;
}

/** The inverse of `encode`. */
export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (isPlainObject(value)) {
    if (value[TAG] === true) {
      const record = value as unknown as TensorRecord;
      return new Tensor(record.type, record.data as Float32Array, record.dims);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
