import { f32ToBf16, f32ToF16, numel } from '@unmask/tensor';
import { writeFileAtomically } from '../write-atomically';
import { DTYPE_SIZES, isSafetensorsDtype, type SafetensorsDtype } from './dtypes';
import { SafetensorsError } from './errors';

export interface TensorToWrite {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** The values already encoded as `dtype` (little-endian); F16 and BF16 also take a Float32Array, rounded to nearest even. */
  readonly data: ArrayBufferView;
}

interface EncodedTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/**
 * Writes a .safetensors file atomically: a failure (a full disk included) leaves no partial file at `path`
 * and surfaces as a SafetensorsError with the cause attached.
 */
export function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, TensorToWrite> | Readonly<Record<string, TensorToWrite>>,
  metadata: Readonly<Record<string, string>> = {},
): void {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const encoded = entries.map(([name, tensor]) => encodeTensor(path, name, tensor));
  try {
    writeFileAtomically(path, [buildHeader(encoded, metadata), ...encoded.map((t) => t.bytes)]);
  } catch (error) {
    throw new SafetensorsError('write', path, undefined, `cannot write: ${(error as Error).message}`, error);
  }
}

function encodeTensor(path: string, name: string, tensor: TensorToWrite): EncodedTensor {
  const { dtype, shape, data } = tensor;
  if (name === '' || name === '__metadata__') {
    throw new SafetensorsError('entry', path, name, 'is not a usable tensor name');
  }
  if (!isSafetensorsDtype(dtype))
    throw new SafetensorsError('dtype', path, name, `unknown dtype ${String(dtype)}`);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(
      'shape',
      path,
      name,
      `shape [${shape.join(', ')}] is not a list of non-negative integers`,
    );
  }
  const bytes = encodeData(dtype, data);
  const needed = numel(shape) * DTYPE_SIZES[dtype];
  if (bytes.length !== needed) {
    throw new SafetensorsError(
      'size',
      path,
      name,
      `shape [${shape.join(', ')}] of ${dtype} needs ${needed} bytes, data has ${bytes.length}`,
    );
  }
  return { name, dtype, shape, bytes };
}

function encodeData(dtype: SafetensorsDtype, data: ArrayBufferView): Uint8Array {
  if (data instanceof Float32Array && dtype === 'BF16') return asBytes(f32ToBf16(data));
  if (data instanceof Float32Array && dtype === 'F16') return asBytes(f32ToF16(data));
  return asBytes(data);
}

function asBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Length prefix + JSON header, padded with spaces so the data section starts 8-byte aligned. */
function buildHeader(
  tensors: readonly EncodedTensor[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  // No prototype, so a tensor named "__proto__" is stored like any other name.
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const { name, dtype, shape, bytes } of tensors) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}
