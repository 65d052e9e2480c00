import fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_HEADER_BYTES, openSafetensors, SafetensorsError, type SafetensorsProblem } from '../src/index';
import { rawSafetensors } from './support/raw-safetensors';
import { useTempDirs } from './support/temp-dirs';

const tempDir = useTempDirs();

function writeRaw(bytes: Uint8Array): string {
  const path = join(tempDir(), 'bad.safetensors');
  fs.writeFileSync(path, bytes);
  return path;
}

/** Opens a malformed file and returns the error, checking its type, problem and that it names the file (and tensor). */
function openError(bytes: Uint8Array, problem: SafetensorsProblem, tensor?: string): SafetensorsError {
  const path = writeRaw(bytes);
  let caught: unknown;
  try {
    openSafetensors(path).close();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  const error = caught as SafetensorsError;
  expect(error.problem).toBe(problem);
  expect(error.file).toBe(path);
  expect(error.message).toContain(path);
  if (tensor !== undefined) {
    expect(error.tensor).toBe(tensor);
    expect(error.message).toContain(`"${tensor}"`);
  }
  return error;
}

const entry = (dtype: unknown, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });
const bytes16 = new Uint8Array(16);

describe('openSafetensors rejects malformed files with a SafetensorsError naming file and tensor', () => {
  it('accepts a well-formed hand-made file (the baseline the cases below break)', () => {
    const file = openSafetensors(writeRaw(rawSafetensors({ w: entry('F32', [2, 2], [0, 16]) }, bytes16)));
    expect(file.tensors.get('w')).toMatchObject({ dtype: 'F32', shape: [2, 2], byteLength: 16 });
    file.close();
  });

  it('a file too short for the 8-byte length', () => {
    openError(new Uint8Array(5), 'header-length');
  });

  it('a header length reaching past the end of the file', () => {
    const error = openError(rawSafetensors({}, bytes16, 1000n), 'header-length');
    expect(error.message).toMatch(/past the end/);
  });

  it('a huge header length (over the 100 MB bound) even when the file is that large', () => {
    const path = join(tempDir(), 'sparse.safetensors');
    fs.writeFileSync(path, rawSafetensors({}, new Uint8Array(0), BigInt(MAX_HEADER_BYTES + 1)));
    fs.truncateSync(path, MAX_HEADER_BYTES + 64); // sparse: costs no disk
    expect(() => openSafetensors(path)).toThrow(/over the 100000000-byte limit/);
    openError(rawSafetensors({}, bytes16, 2n ** 63n), 'header-length');
  });

  it('a header that is not JSON, not UTF-8, or not an object', () => {
    openError(rawSafetensors('{"w": {"dtype": "F32",', bytes16), 'header-json');
    openError(rawSafetensors('[1, 2]', bytes16), 'header-json');
    const notUtf8 = rawSafetensors('{}');
    notUtf8[9] = 0xff;
    openError(notUtf8, 'header-json');
  });

  it('an entry that is not an object', () => {
    openError(rawSafetensors({ w: [0, 16] }, bytes16), 'entry', 'w');
  });

  it('__metadata__ with non-string values', () => {
    openError(rawSafetensors({ __metadata__: { total_size: 16 } }, bytes16), 'entry');
  });

  it('an unknown or missing dtype', () => {
    const error = openError(rawSafetensors({ w: entry('F8_E4M3', [16], [0, 16]) }, bytes16), 'dtype', 'w');
    expect(error.message).toContain('F8_E4M3');
    openError(rawSafetensors({ w: entry(undefined, [16], [0, 16]) }, bytes16), 'dtype', 'w');
  });

  it('negative, fractional, non-numeric or missing shape entries', () => {
    openError(rawSafetensors({ w: entry('U8', [-16], [0, 16]) }, bytes16), 'shape', 'w');
    openError(rawSafetensors({ w: entry('U8', [2.5, 4], [0, 10]) }, bytes16), 'shape', 'w');
    openError(rawSafetensors({ w: entry('U8', ['16'], [0, 16]) }, bytes16), 'shape', 'w');
    openError(rawSafetensors({ w: entry('U8', undefined, [0, 16]) }, bytes16), 'shape', 'w');
  });

  it('offsets out of the data section, reversed, negative or malformed', () => {
    const past = openError(rawSafetensors({ w: entry('U8', [32], [0, 32]) }, bytes16), 'offsets', 'w');
    expect(past.message).toMatch(/past the data section \(16 bytes\)/);
    openError(rawSafetensors({ w: entry('U8', [0], [8, 4]) }, bytes16), 'offsets', 'w');
    openError(rawSafetensors({ w: entry('U8', [16], [-1, 15]) }, bytes16), 'offsets', 'w');
    openError(rawSafetensors({ w: entry('U8', [16], [0]) }, bytes16), 'offsets', 'w');
  });

  it('overlapping offsets, naming both tensors', () => {
    const header = { a: entry('U8', [10], [0, 10]), b: entry('U8', [8], [8, 16]) };
    const error = openError(rawSafetensors(header, bytes16), 'overlap', 'b');
    expect(error.message).toContain('"a"');
  });

  it('a byte length that differs from product(shape) * dtype size', () => {
    const error = openError(rawSafetensors({ w: entry('F32', [3], [0, 16]) }, bytes16), 'size', 'w');
    expect(error.message).toMatch(/needs 12 bytes/);
    openError(rawSafetensors({ w: entry('BF16', [2 ** 40, 2 ** 40], [0, 16]) }, bytes16), 'size', 'w');
  });
});
