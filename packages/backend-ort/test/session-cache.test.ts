import { cpuBackend, f32, i32 } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { createOrtBackend } from '../src/backend';
import { expectNear } from './near';

const ramp = (dims: number[], scale = 0.1) => {
  const n = dims.reduce((a, b) => a * b, 1);
  return f32(
    dims,
    Float32Array.from({ length: n }, (_, i) => ((i % 7) - 3) * scale),
  );
};

describe('session cache', () => {
  it('reuses one session for every size of the symbolic dims', () => {
    const backend = createOrtBackend({ intraOpNumThreads: 1 });
    backend.softmax(ramp([2, 5]));
    backend.softmax(ramp([3, 4, 17]));
    backend.matmul(ramp([3, 4]), ramp([4, 6]));
    backend.matmul(ramp([2, 5, 8]), ramp([8, 3]));
    expect(backend.cachedSessions).toBe(2);
    backend.dispose();
  });

  it('builds a new session when a static dim or attribute changes', () => {
    const backend = createOrtBackend({ intraOpNumThreads: 1 });
    const qkv = (h: number, d: number) =>
      [ramp([1, 3, h, d]), ramp([1, 3, h, d]), ramp([1, 3, h, d])] as const;
    backend.attention(...qkv(2, 4));
    backend.attention(...qkv(2, 4));
    expect(backend.cachedSessions).toBe(1);
    backend.attention(...qkv(2, 8)); // head dim is static
    backend.attention(...qkv(4, 4)); // so are the head counts
    backend.attention(...qkv(2, 4), { causal: true });
    expect(backend.cachedSessions).toBe(4);
    backend.rmsNorm(ramp([2, 4]), ramp([4]), 1e-5);
    backend.rmsNorm(ramp([2, 4]), ramp([4]), 1e-6); // epsilon is an attribute
    expect(backend.cachedSessions).toBe(6);
    backend.dispose();
    expect(backend.cachedSessions).toBe(0);
  });
});

describe('baked weights', () => {
  it('bakes a weight on its second use, with the same results', () => {
    const backend = createOrtBackend({ intraOpNumThreads: 1 });
    const weight = ramp([6, 5]);
    const bias = ramp([6], 0.5);
    const x = ramp([2, 3, 5]);
    const expected = cpuBackend.linear(x, weight, bias);
    const first = backend.linear(x, weight, bias);
    expect(backend.bakedBytes).toBe(0);
    const second = backend.linear(x, weight, bias);
    expect(backend.bakedBytes).toBe((30 + 6) * 4);
    const third = backend.linear(x, weight, bias);
    for (const y of [first, second, third]) expectNear(y, expected);
    backend.dispose();
    expect(backend.bakedBytes).toBe(0);
    expectNear(backend.linear(x, weight, bias), expected); // still usable: baked again
    expect(backend.bakedBytes).toBe((30 + 6) * 4);
    backend.dispose();
  });

  it('runs with the weight as an input when the bias differs from the baked one', () => {
    const backend = createOrtBackend({ intraOpNumThreads: 1 });
    const weight = ramp([4, 3]);
    const x = ramp([2, 3]);
    backend.linear(x, weight);
    backend.linear(x, weight);
    const otherBias = f32([4], [1, 2, 3, 4]);
    expectNear(backend.linear(x, weight, otherBias), cpuBackend.linear(x, weight, otherBias));
    expect(backend.bakedBytes).toBe(12 * 4);
    backend.dispose();
  });

  it('stops baking at the budget and never bakes with a zero budget', () => {
    const weights = [ramp([4, 4]), ramp([4, 4]), ramp([4, 4])];
    const x = ramp([2, 4]);
    const budgeted = createOrtBackend({ intraOpNumThreads: 1, bakeBudgetBytes: 2 * 16 * 4 });
    const unbaked = createOrtBackend({ intraOpNumThreads: 1, bakeBudgetBytes: 0 });
    for (const backend of [budgeted, unbaked]) {
      for (let i = 0; i < 2; i++) for (const w of weights) backend.linear(x, w);
    }
    expect(budgeted.bakedBytes).toBe(2 * 16 * 4);
    expect(unbaked.bakedBytes).toBe(0);
    budgeted.dispose();
    unbaked.dispose();
  });

  it('multiplies a single row by the unbaked weight', () => {
    const backend = createOrtBackend({ intraOpNumThreads: 1 });
    const weight = ramp([4, 3]);
    for (let i = 0; i < 3; i++) backend.linear(ramp([1, 3]), weight);
    expect(backend.bakedBytes).toBe(0);
    backend.linear(ramp([2, 3]), weight);
    expect(backend.bakedBytes).toBe(12 * 4);
    backend.dispose();
  });
});

describe('rope tables', () => {
  it('handles positions beyond the table and negative ones', () => {
    const backend = createOrtBackend({ intraOpNumThreads: 1 });
    const x = ramp([1, 3, 2, 4]);
    const positions = i32([3], [-5, 200_000, 7]);
    expectNear(backend.rope(x, positions, 10000), cpuBackend.rope(x, positions, 10000));
    backend.dispose();
  });
});
