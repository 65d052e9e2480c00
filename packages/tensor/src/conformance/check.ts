// Assertions shared by the conformance cases.
import type { Tensor } from 'onnxruntime-common';
import { expect } from 'vitest';
import type { Dims } from '../shape';
import type { RefOutput } from './reference';

/** `[2, 3]`: how shapes appear in test names and in ShapeError messages. */
export function showDims(dims: Dims): string {
  return `[${dims.join(', ')}]`;
}

/**
 * The suite's error metric: max |out - ref| / max(max |ref|, 1e-30) over all elements, i.e. the
 * worst absolute error relative to the largest reference magnitude. Any NaN gives Infinity.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (Number.isNaN(diff)) return Number.POSITIVE_INFINITY;
    maxDiff = Math.max(maxDiff, diff);
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  return maxDiff / Math.max(maxRef, 1e-30);
}

/** A float32 result within rtol of the reference, in the metric of `relativeError`. */
export function expectClose(actual: Tensor, expected: RefOutput, rtol: number): void {
  expect(actual.type).toBe('float32');
  expect([...actual.dims]).toEqual(expected.dims);
  const error = relativeError(actual.data as Float32Array, expected.data);
  expect(error, `max|out - ref| / max|ref| = ${error}, rtol ${rtol}`).toBeLessThanOrEqual(rtol);
}

/** A result equal to the reference element for element (indices, copies). */
export function expectExact(actual: Tensor, expected: RefOutput, type: 'int32' | 'float32'): void {
  expect(actual.type).toBe(type);
  expect([...actual.dims]).toEqual(expected.dims);
  expect(Array.from(actual.data as ArrayLike<number>)).toEqual(Array.from(expected.data));
}

/** Runs an op and asserts that it left the dims and bytes of every input as they were. */
export function unchanged<T>(inputs: readonly (Tensor | undefined)[], run: () => T): T {
  const before = inputs.map((t) => t && { dims: [...t.dims], bytes: bytesOf(t).slice() });
  const result = run();
  inputs.forEach((t, i) => {
    const saved = before[i];
    if (!t || !saved) return;
    expect([...t.dims], `input ${i} dims`).toEqual(saved.dims);
    expect(
      bytesOf(t).every((b, j) => b === saved.bytes[j]),
      `input ${i} was modified`,
    ).toBe(true);
  });
  return result;
}

function bytesOf(t: Tensor): Uint8Array {
  const data = t.data as Float32Array | Int32Array | Uint8Array;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The call raises a ShapeError naming `op` and listing the shape of every tensor in `inputs`. */
export function expectShapeError(op: string, inputs: readonly Tensor[], run: () => unknown): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `${op} should throw`).toBeInstanceOf(Error);
  const error = caught as Error & { op?: string };
  // By name rather than instanceof: a backend bundled separately has its own copy of the class.
  expect(error.name).toBe('ShapeError');
  expect(error.op).toBe(op);
  expect(error.message.startsWith(`${op}: `), error.message).toBe(true);
  for (const t of inputs) expect(error.message).toContain(showDims(t.dims));
}
