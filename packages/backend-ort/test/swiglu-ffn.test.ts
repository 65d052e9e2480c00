import { cpuBackend, f32, ShapeError } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import { createOrtBackend } from '../src/backend';
import { expectNear } from './near';

const wave = (dims: number[], phase: number) => {
  const n = dims.reduce((a, b) => a * b, 1);
  return f32(
    dims,
    Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + phase) * 0.5),
  );
};

function reference(
  x: Tensor,
  w: { norm: Tensor; gate: Tensor; up: Tensor; down: Tensor },
  residual: boolean,
) {
  const h = cpuBackend.rmsNorm(x, w.norm, 1e-5);
  const out = cpuBackend.linear(
    cpuBackend.swiglu(cpuBackend.linear(h, w.gate), cpuBackend.linear(h, w.up)),
    w.down,
  );
  return residual ? cpuBackend.add(x, out) : out;
}

describe('swigluFfn', () => {
  const [d, f] = [6, 10];
  const weights = { norm: wave([d], 1), gate: wave([f, d], 2), up: wave([f, d], 3), down: wave([d, f], 4) };

  it('matches the composed ops, before and after its weights are baked', () => {
    const backend = createOrtBackend({ intraOpNumThreads: 1 });
    const x = wave([2, 3, d], 5);
    const expected = reference(x, weights, true);
    for (let call = 0; call < 3; call++) expectNear(backend.swigluFfn(x, weights, 1e-5), expected);
    expect(backend.bakedBytes).toBe((d + 3 * f * d) * 4);
    expectNear(backend.swigluFfn(x, weights, 1e-5, { residual: false }), reference(x, weights, false));
    backend.dispose();
  });

  it('raises a ShapeError naming the op and the shapes', () => {
    const backend = createOrtBackend({ intraOpNumThreads: 1 });
    const bad = { ...weights, down: wave([f, d], 4) };
    expect(() => backend.swigluFfn(wave([1, d], 0), bad, 1e-5)).toThrow(ShapeError);
    expect(() => backend.swigluFfn(wave([1, d], 0), bad, 1e-5)).toThrow(/^swigluFfn: down must be \[6, 10\]/);
    backend.dispose();
  });
});
