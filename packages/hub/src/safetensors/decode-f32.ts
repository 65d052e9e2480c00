import { bf16ToF32, f16ToF32 } from '@unmask/tensor';
import { DTYPE_SIZES } from './dtypes';
import { SafetensorsError } from './errors';
import type { TensorEntry } from './header';

/**
 * Reads a float tensor as float32. `fill` writes the stored bytes into the buffer it is given, so F32 lands
 * in its final array with no copy and 16-bit formats need only a half-size scratch array.
 */
export function decodeF32(entry: TensorEntry, file: string, fill: (bytes: Uint8Array) => void): Float32Array {
  const count = entry.byteLength / DTYPE_SIZES[entry.dtype];
  switch (entry.dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      fill(bytesOf(out));
      return out;
    }
    case 'BF16': {
      const raw = new Uint16Array(count);
      fill(bytesOf(raw));
      return bf16ToF32(raw);
    }
    case 'F16': {
      const raw = new Uint16Array(count);
      fill(bytesOf(raw));
      return f16ToF32(raw);
    }
    case 'F64': {
      const raw = new Float64Array(count);
      fill(bytesOf(raw));
      return new Float32Array(raw);
    }
    default:
      throw new SafetensorsError(
        'dtype',
        file,
        entry.name,
        `is ${entry.dtype}; readF32 reads F32, F16, BF16 and F64 tensors (use readRaw)`,
      );
  }
}

function bytesOf(array: Float32Array | Float64Array | Uint16Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
