import { createOrtBackend } from '@unmask/backend-ort';
import { type Backend, cpuBackend, i32 } from '@unmask/tensor';
import {
  inputGenerator,
  type RefInput,
  refAdd,
  refAttention,
  refEmbedding,
  refGatherRows,
  refLinear,
  refLogSoftmax,
  refMatmul,
  refMul,
  refRmsNorm,
  refRope,
  refSilu,
  refSwiglu,
} from '@unmask/tensor/conformance';
import { describe, expect, it } from 'vitest';
import { ops } from '../src';
import { GRAD_TOLERANCE, type GradCheckCase, gradCheck, VALUE_TOLERANCE } from './grad-check';

type CaseBuilder = (g: ReturnType<typeof inputGenerator>) => GradCheckCase;

const positions = i32([4], [3, 0, 17, 250]);
const ids = i32([2, 3], [4, 1, 4, 0, 2, 4]);
const rows = i32([4], [4, 0, 2, 0]);
const targets = Int32Array.from([6, 0, 3, 3, 1]);
const weights = Float32Array.from([0.5, 2, 1.25, 0.1, 3]);

const CASES: Record<string, CaseBuilder> = {
  linear: (g) => ({
    inputs: { x: g.floats([2, 3, 5]), w: g.floats([4, 5]) },
    differentiable: ['x', 'w'],
    run: (tape, v) => ops.linear(tape, v.x!, v.w!),
    reference: (r) => refLinear(r.x!, r.w!),
  }),
  // Many rows, narrow input: the weight gradients go through the transposed input, shared by both.
  'linears (shared input)': (g) => ({
    inputs: { x: g.floats([2, 8, 3]), w1: g.floats([6, 3]), w2: g.floats([6, 3]) },
    differentiable: ['x', 'w1', 'w2'],
    run: (tape, v) => {
      const [y1, y2] = ops.linears(tape, v.x!, [v.w1!, v.w2!]);
      return ops.add(tape, y1!, y2!);
    },
    reference: (r) => refAdd(refLinear(r.x!, r.w1!), refLinear(r.x!, r.w2!)),
  }),
  'matmul batched': (g) => ({
    inputs: { a: g.floats([2, 3, 4]), b: g.floats([2, 4, 5]) },
    differentiable: ['a', 'b'],
    run: (tape, v) => ops.matmul(tape, v.a!, v.b!),
    reference: (r) => refMatmul(r.a!, r.b!),
  }),
  'matmul transposeB': (g) => ({
    inputs: { a: g.floats([2, 3, 4]), b: g.floats([2, 5, 4]) },
    differentiable: ['a', 'b'],
    run: (tape, v) => ops.matmul(tape, v.a!, v.b!, { transposeB: true }),
    reference: (r) => refMatmul(r.a!, r.b!, true),
  }),
  'matmul shared b': (g) => ({
    inputs: { a: g.floats([2, 3, 4]), b: g.floats([4, 5]) },
    differentiable: ['a', 'b'],
    run: (tape, v) => ops.matmul(tape, v.a!, v.b!),
    reference: (r) => refMatmul(r.a!, r.b!),
  }),
  'matmul shared b transposed': (g) => ({
    inputs: { a: g.floats([2, 3, 4]), b: g.floats([5, 4]) },
    differentiable: ['a', 'b'],
    run: (tape, v) => ops.matmul(tape, v.a!, v.b!, { transposeB: true }),
    reference: (r) => refMatmul(r.a!, r.b!, true),
  }),
  add: (g) => ({
    inputs: { a: g.floats([2, 3, 4]), b: g.floats([2, 3, 4]) },
    differentiable: ['a', 'b'],
    run: (tape, v) => ops.add(tape, v.a!, v.b!),
    reference: (r) => refAdd(r.a!, r.b!),
  }),
  'add row broadcast': (g) => ({
    inputs: { a: g.floats([2, 3, 4]), b: g.floats([4]) },
    differentiable: ['a', 'b'],
    run: (tape, v) => ops.add(tape, v.a!, v.b!),
    reference: (r) => refAdd(r.a!, r.b!),
  }),
  mul: (g) => ({
    inputs: { a: g.floats([2, 3, 4]), b: g.floats([2, 3, 4]) },
    differentiable: ['a', 'b'],
    run: (tape, v) => ops.mul(tape, v.a!, v.b!),
    reference: (r) => refMul(r.a!, r.b!),
  }),
  'mul row broadcast': (g) => ({
    inputs: { a: g.floats([2, 3, 4]), b: g.floats([3, 4]) },
    differentiable: ['a', 'b'],
    run: (tape, v) => ops.mul(tape, v.a!, v.b!),
    reference: (r) => refMul(r.a!, r.b!),
  }),
  rmsNorm: (g) => ({
    inputs: { x: g.floats([2, 3, 8]), w: g.floats([8], 0.5, 1) },
    differentiable: ['x', 'w'],
    run: (tape, v) => ops.rmsNorm(tape, v.x!, v.w!, 1e-5),
    reference: (r) => refRmsNorm(r.x!, r.w!, 1e-5),
  }),
  rope: (g) => ({
    inputs: { x: g.floats([2, 4, 3, 8]) },
    differentiable: ['x'],
    run: (tape, v) => ops.rope(tape, v.x!, positions, 10000),
    reference: (r) => refRope(r.x!, positions, 10000),
  }),
  'attention (multi-head)': (g) => ({
    inputs: { q: g.floats([2, 5, 2, 6]), k: g.floats([2, 5, 2, 6]), v: g.floats([2, 5, 2, 6]) },
    differentiable: ['q', 'k', 'v'],
    run: (tape, v) => ops.attention(tape, v.q!, v.k!, v.v!),
    reference: (r) => refAttention(r.q!, r.k!, r.v!),
  }),
  'attention (grouped KV heads, scaled)': (g) => ({
    inputs: { q: g.floats([2, 5, 4, 6], 2), k: g.floats([2, 5, 2, 6], 2), v: g.floats([2, 5, 2, 6]) },
    differentiable: ['q', 'k', 'v'],
    run: (tape, v) => ops.attention(tape, v.q!, v.k!, v.v!, 0.3),
    reference: (r) => refAttention(r.q!, r.k!, r.v!, { scale: 0.3 }),
  }),
  swiglu: (g) => ({
    inputs: { gate: g.floats([3, 7], 3), up: g.floats([3, 7]) },
    differentiable: ['gate', 'up'],
    run: (tape, v) => ops.swiglu(tape, v.gate!, v.up!),
    reference: (r) => refSwiglu(r.gate!, r.up!),
  }),
  silu: (g) => ({
    inputs: { x: g.floats([3, 7], 3) },
    differentiable: ['x'],
    run: (tape, v) => ops.silu(tape, v.x!),
    reference: (r) => refSilu(r.x!),
  }),
  embedding: (g) => ({
    inputs: { table: g.floats([5, 4]) },
    differentiable: ['table'],
    run: (tape, v) => ops.embedding(tape, ids, v.table!),
    reference: (r) => refEmbedding(ids, r.table!),
  }),
  reshape: (g) => ({
    inputs: { x: g.floats([2, 6]) },
    differentiable: ['x'],
    run: (tape, v) => ops.reshape(tape, v.x!, [3, 4]),
    reference: (r) => ({ dims: [3, 4], data: Float64Array.from(r.x!.data as ArrayLike<number>) }),
  }),
  gatherRows: (g) => ({
    inputs: { x: g.floats([2, 5, 3]) },
    differentiable: ['x'],
    run: (tape, v) => ops.gatherRows(tape, v.x!, rows),
    reference: (r) => refGatherRows(r.x!, rows),
  }),
  crossEntropy: (g) => ({
    inputs: { logits: g.floats([5, 7], 3) },
    differentiable: ['logits'],
    run: (tape, v) => ops.crossEntropy(tape, v.logits!, targets, weights),
    reference: (r) => weightedCrossEntropy(r.logits!),
  }),
};

/** sum_i w_i * -log softmax(logits_i)[t_i], in float64. */
function weightedCrossEntropy(logits: RefInput) {
  const logProbs = refLogSoftmax(logits).data;
  const vocab = logits.dims[1]!;
  let loss = 0;
  targets.forEach((t, i) => {
    loss -= weights[i]! * logProbs[i * vocab + t]!;
  });
  return { dims: [], data: Float64Array.of(loss) };
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

describe('every op backward matches finite differences of the float64 reference (cpu backend)', () => {
  checkAll(cpuBackend, Object.keys(CASES));
});

describe('op backwards on the onnxruntime backend (weights not cached)', () => {
  checkAll(createOrtBackend({ bakeBudgetBytes: 0, intraOpNumThreads: 1 }), [
    'linear',
    'linears (shared input)',
    'matmul batched',
    'matmul shared b transposed',
    'rmsNorm',
    'rope',
    'attention (grouped KV heads, scaled)',
    'crossEntropy',
  ]);
});
