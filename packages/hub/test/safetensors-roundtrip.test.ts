import fs from 'node:fs';
import { join } from 'node:path';
import { f32Data } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { openSafetensors, SafetensorsError, type TensorToWrite, writeSafetensors } from '../src/index';
import { useTempDirs } from './support/temp-dirs';

const tempDir = useTempDirs();

const values = [0, 1, -2.5, 0.15625, 65504, -1e-3];

const tensors: Record<string, TensorToWrite> = {
  f32: { dtype: 'F32', shape: [2, 3], data: Float32Array.from(values) },
  f16: { dtype: 'F16', shape: [2, 3], data: Float32Array.from(values) },
  bf16: { dtype: 'BF16', shape: [3, 2], data: Float32Array.from(values) },
  f64: { dtype: 'F64', shape: [6], data: Float64Array.from(values) },
  i64: { dtype: 'I64', shape: [2], data: BigInt64Array.from([-1n, 2n ** 40n]) },
  i32: { dtype: 'I32', shape: [3], data: Int32Array.from([-7, 0, 2 ** 30]) },
  i16: { dtype: 'I16', shape: [1], data: Int16Array.from([-300]) },
  i8: { dtype: 'I8', shape: [2], data: Int8Array.from([-128, 127]) },
  u8: { dtype: 'U8', shape: [3], data: Uint8Array.from([0, 128, 255]) },
  bool: { dtype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) },
  scalar: { dtype: 'F32', shape: [], data: Float32Array.from([42]) },
  empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
  // A computed key makes an own property named "__proto__" rather than setting the prototype.
  ['__proto__']: { dtype: 'U8', shape: [1], data: Uint8Array.from([9]) },
};

function roundTrip(metadata?: Record<string, string>) {
  const path = join(tempDir(), 'all.safetensors');
  writeSafetensors(path, new Map(Object.entries(tensors)), metadata);
  return openSafetensors(path);
}

describe('writeSafetensors + openSafetensors', () => {
  it('round-trips every dtype, scalar and empty shapes, metadata, and an awkward tensor name', () => {
    const file = roundTrip({ format: 'pt', note: 'test' });
    expect(file.metadata).toEqual({ format: 'pt', note: 'test' });
    expect([...file.tensors.keys()].sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(file.tensors.get(name)).toMatchObject({ name, dtype: t.dtype, shape: t.shape });
    }
    expect(new BigInt64Array(file.readRaw('i64').buffer)).toEqual(tensors.i64!.data);
    expect(new Int32Array(file.readRaw('i32').buffer)).toEqual(tensors.i32!.data);
    expect([...file.readRaw('bool')]).toEqual([1, 0]);
    expect([...file.readRaw('__proto__')]).toEqual([9]);
    file.close();
  });

  it('readF32 returns float32 tensors, converting F16, BF16 and F64', () => {
    const file = roundTrip();
    const expected = Float32Array.from(values);
    expect(f32Data(file.readF32('f32'))).toEqual(expected);
    expect(file.readF32('f32').dims).toEqual([2, 3]);
    expect(f32Data(file.readF32('f64'))).toEqual(expected);
    // 16-bit formats round; these are the nearest representable values.
    expect([...f32Data(file.readF32('f16'))]).toEqual([0, 1, -2.5, 0.15625, 65504, -0.0010004043579101562]);
    expect([...f32Data(file.readF32('bf16'))]).toEqual([0, 1, -2.5, 0.15625, 65536, -0.00099945068359375]);
    expect(file.readF32('scalar').dims).toEqual([]);
    expect(file.readF32('empty').size).toBe(0);
    file.close();
  });

  it('writes a header padded so the data section is 8-byte aligned', () => {
    const path = join(tempDir(), 'aligned.safetensors');
    writeSafetensors(path, { x: tensors.u8! });
    const headerLength = Number(fs.readFileSync(path).readBigUInt64LE(0));
    expect(headerLength % 8).toBe(0);
  });

  it('reading an integer tensor as f32, a missing tensor or a closed file is a SafetensorsError', () => {
    const file = roundTrip();
    expect(() => file.readF32('i32')).toThrow(SafetensorsError);
    expect(() => file.readF32('i32')).toThrow(/is I32; readF32 reads F32, F16, BF16 and F64/);
    expect(() => file.readRaw('nope')).toThrow(
      expect.objectContaining({ problem: 'missing-tensor', tensor: 'nope' }),
    );
    file.close();
    expect(() => file.readRaw('u8')).toThrow(/closed/);
  });

  it('a file truncated after opening gives an io error, not short data', () => {
    const file = roundTrip();
    fs.truncateSync(file.path, 200);
    expect(() => file.readRaw('bool')).toThrow(expect.objectContaining({ problem: 'io', tensor: 'bool' }));
    file.close();
  });

  it('the writer refuses data that does not match the shape, and bad shapes or names, writing nothing', () => {
    const dir = tempDir();
    const path = join(dir, 'x.safetensors');
    const write =
      (t: TensorToWrite, name = 'w') =>
      () =>
        writeSafetensors(path, { [name]: t });
    expect(write({ dtype: 'F32', shape: [3], data: new Float32Array(2) })).toThrow(
      expect.objectContaining({ problem: 'size', tensor: 'w', file: path }),
    );
    expect(write({ dtype: 'F32', shape: [-1], data: new Float32Array(2) })).toThrow(
      expect.objectContaining({ problem: 'shape' }),
    );
    expect(write({ dtype: 'U8', shape: [1], data: new Uint8Array(1) }, '__metadata__')).toThrow(
      expect.objectContaining({ problem: 'entry' }),
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
