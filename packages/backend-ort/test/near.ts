import type { Tensor } from 'onnxruntime-common';
import { expect } from 'vitest';

/** Same dims, and every element within `tolerance` of the expected one. */
export function expectNear(actual: Tensor, expected: Tensor, tolerance = 1e-5): void {
  expect(actual.dims).toEqual(expected.dims);
  const want = expected.data as Float32Array;
  (actual.data as Float32Array).forEach((v, i) => {
    expect(Math.abs(v - want[i]!), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tolerance);
  });
}
