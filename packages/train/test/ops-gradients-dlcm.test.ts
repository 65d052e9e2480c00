import { createOrtBackend } from '@unmask/backend-ort';
import { type Backend, bool, cpuBackend } from '@unmask/tensor';
import { inputGenerator, type RefInput, type RefOutput, refAttention } from '@unmask/tensor/conformance';
import { describe, expect, it } from 'vitest';
import { ops, Tape } from '../src';
import { GRAD_TOLERANCE, type GradCheckCase, gradCheck, VALUE_TOLERANCE } from './grad-check';

// The ops a hierarchical (DLCM) model adds: masked and cross attention, the boundary detector's
// shifted cosine, H-Net's straight-through confidence, prepending a row, a scaled sum.
type CaseBuilder = (g: ReturnType<typeof inputGenerator>) => GradCheckCase;

/** bool [S, S]: row i sees 0..i. */
const causal = (s: number) =>
  bool(
    [s, s],
    Uint8Array.from({ length: s * s }, (_, i) => (i % s <= Math.floor(i / s) ? 1 : 0)),
  );
/** bool [2, 3, 5] with a row that sees nothing (its output and gradients are 0). */
const crossMask = bool(
  [2, 3, 5],
  [1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1],
);
const decisions = Uint8Array.from([1, 0, 0, 1, 1, 0]);

const CASES: Record<string, CaseBuilder> = {
  'maskedAttention (causal, grouped KV heads)': (g) => ({
    inputs: { q: g.floats([2, 5, 4, 6], 2), k: g.floats([2, 5, 2, 6], 2), v: g.floats([2, 5, 2, 6]) },
    differentiable: ['q', 'k', 'v'],
    run: (tape, v) => ops.maskedAttention(tape, v.q!, v.k!, v.v!, causal(5)),
    reference: (r) => refAttention(r.q!, r.k!, r.v!, { mask: causal(5) }),
  }),
  'maskedAttention (per-batch cross mask, Sk != Sq, scaled)': (g) => ({
    inputs: { q: g.floats([2, 3, 2, 4], 2), k: g.floats([2, 5, 1, 4], 2), v: g.floats([2, 5, 1, 4]) },
    differentiable: ['q', 'k', 'v'],
    run: (tape, v) => ops.maskedAttention(tape, v.q!, v.k!, v.v!, crossMask, 0.7),
    reference: (r) => refAttention(r.q!, r.k!, r.v!, { mask: crossMask, scale: 0.7 }),
  }),
  shiftedCosineProbabilities: (g) => ({
    inputs: { a: g.floats([2, 4, 5]), b: g.floats([2, 4, 5]) },
    differentiable: ['a', 'b'],
    run: (tape, v) => ops.shiftedCosineProbabilities(tape, v.a!, v.b!),
    reference: (r) => refShiftedCosine(r.a!, r.b!),
  }),
  'shiftedCosineProbabilities (one input, the rule detector)': (g) => ({
    inputs: { h: g.floats([2, 4, 5]) },
    differentiable: ['h'],
    run: (tape, v) => ops.shiftedCosineProbabilities(tape, v.h!, v.h!),
    reference: (r) => refShiftedCosine(r.h!, r.h!),
  }),
  straightThroughConfidence: (g) => {
    const p = g.floats([2, 3], 0.45, 0.5);
    const at = Float64Array.from(p.data as Float32Array);
    return {
      inputs: { x: g.floats([2, 3, 4]), p },
      differentiable: ['x', 'p'],
      run: (tape, v) => ops.straightThroughConfidence(tape, v.x!, v.p!, decisions),
      // STE(c) = c + stopgrad(1 - c): the stopped part is frozen at the unperturbed p.
      reference: (r) => {
        const x = r.x!.data as ArrayLike<number>;
        const pr = r.p!.data as ArrayLike<number>;
        const c = (value: number, i: number) => (decisions[i] === 1 ? value : 1 - value);
        const data = Float64Array.from(x, (value, i) => {
          const row = Math.floor(i / 4);
          return value * (c(pr[row]!, row) + 1 - c(at[row]!, row));
        });
        return { dims: [2, 3, 4], data };
      },
    };
  },
  prependRow: (g) => ({
    inputs: { row: g.floats([3]), x: g.floats([2, 2, 3]) },
    differentiable: ['row', 'x'],
    run: (tape, v) => ops.prependRow(tape, v.row!, v.x!),
    reference: (r) => {
      const row = Array.from(r.row!.data as ArrayLike<number>);
      const x = Array.from(r.x!.data as ArrayLike<number>);
      return { dims: [2, 3, 3], data: Float64Array.from([...row, ...x.slice(0, 6), ...row, ...x.slice(6)]) };
    },
  }),
  sum: (g) => ({
    inputs: { x: g.floats([2, 3, 4]) },
    differentiable: ['x'],
    run: (tape, v) => ops.sum(tape, v.x!, -0.75),
    reference: (r) => ({
      dims: [],
      data: Float64Array.of(-0.75 * Array.from(r.x!.data as ArrayLike<number>).reduce((s, y) => s + y, 0)),
    }),
  }),
};

/** p [B, S]: 1, then (1 - cos(a[t - 1], b[t])) / 2, in float64. */
function refShiftedCosine(a: RefInput, b: RefInput): RefOutput {
  const [batch, length, width] = a.dims as [number, number, number];
  const x = a.data as ArrayLike<number>;
  const y = b.data as ArrayLike<number>;
  const out = new Float64Array(batch * length);
  for (let row = 0; row < batch; row++) {
    out[row * length] = 1;
    for (let t = 1; t < length; t++) {
      let dot = 0;
      let xx = 0;
      let yy = 0;
      for (let i = 0; i < width; i++) {
        const u = x[(row * length + t - 1) * width + i]!;
        const w = y[(row * length + t) * width + i]!;
        dot += u * w;
        xx += u * u;
        yy += w * w;
      }
      out[row * length + t] = (1 - dot / Math.sqrt(xx * yy)) / 2;
    }
  }
  return { dims: [batch, length], data: out };
}

function checkAll(backend: Backend, names: readonly string[]) {
  for (const name of names) {
    it(name, () => {
      const result = gradCheck(backend, name, CASES[name]!(inputGenerator(`inputs:${name}`)));
      if (process.env['GRAD_CHECK_REPORT']) console.log(backend.name, name, JSON.stringify(result));
      expect(result.valueError, 'forward').toBeLessThan(VALUE_TOLERANCE);
      for (const [input, error] of Object.entries(result.gradErrors)) {
        expect(error, `d/d${input}`).toBeLessThan(GRAD_TOLERANCE);
      }
    });
  }
}

describe('DLCM op backwards match finite differences of the float64 reference (cpu backend)', () => {
  checkAll(cpuBackend, Object.keys(CASES));

  it('maskedAttention refuses a mask of the wrong shape or type', () => {
    const g = inputGenerator('mask-shape');
    const q = g.floats([1, 3, 1, 2]);
    const run = (mask: Parameters<typeof ops.maskedAttention>[4]) => {
      const tape = new Tape(cpuBackend);
      return ops.maskedAttention(tape, tape.constant(q), tape.constant(q), tape.constant(q), mask);
    };
    expect(() => run(causal(2))).toThrow(/mask must be bool \[3, 3\] or \[1, 3, 3\], got bool \[2, 2\]/);
  });
});

describe('DLCM op backwards on the onnxruntime backend (weights not cached)', () => {
  checkAll(createOrtBackend({ bakeBudgetBytes: 0, intraOpNumThreads: 1 }), [
    'maskedAttention (causal, grouped KV heads)',
    'maskedAttention (per-batch cross mask, Sk != Sq, scaled)',
  ]);
});
