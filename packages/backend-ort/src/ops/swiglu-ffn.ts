import { numel, ShapeError } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';
import { rmsNormNode } from './rms-norm';

/** The weights of a LLaMA-style FFN block, Hugging Face layouts. */
export interface SwigluFfnWeights {
  /** RMSNorm weight [D]. */
  norm: Tensor;
  /** [F, D] */
  gate: Tensor;
  /** [F, D] */
  up: Tensor;
  /** [D, F] */
  down: Tensor;
}

export interface SwigluFfnOptions {
  /** Add x to the result (the block's residual connection); default true. */
  residual?: boolean;
}

/**
 * down(silu(gate(h)) * up(h)) (+ x), h = rmsNorm(x, norm, eps), as one session: the five backend ops
 * it replaces cost one run each and hand their [rows, F] intermediates through JS (measured in
 * bench/ffn-fusion.ts). Weights are baked as in `linear`.
 */
export function swigluFfn(
  ctx: OrtContext,
  x: Tensor,
  weights: SwigluFfnWeights,
  eps: number,
  options: SwigluFfnOptions = {},
): Tensor {
  const { d, f, rows } = swigluFfnShape(x, weights);
  const residual = options.residual ?? true;
  if (numel(x.dims) === 0) return zerosF32(x.dims);
  const { norm, gate, up, down } = weights;
  const x2 = view(x, [rows, d]);
  const kind = `swigluFfn:${eps}:${residual}`;
  const baked = ctx.weights.session(kind, gate, [norm, up, down], rows, () =>
    ffnGraph(d, f, eps, residual, weights),
  );
  if (baked) return view(baked.run({ x: x2 }).y!, x.dims);
  const session = ctx.sessions.get(kind, () => ffnGraph(d, f, eps, residual));
  return view(session.run({ x: x2, norm, gate, up, down }).y!, x.dims);
}

/** With `baked` weights they are initializers with static dims; otherwise inputs with symbolic dims. */
function ffnGraph(
  d: number,
  f: number,
  eps: number,
  residual: boolean,
  baked?: SwigluFfnWeights,
): GraphBuilder {
  const g = new GraphBuilder();
  const [dimD, dimF] = baked ? [d, f] : ['D', 'F'];
  const weight = (name: keyof SwigluFfnWeights, dims: (number | string)[]) =>
    baked
      ? g.constant({ type: 'float32', dims: dims as number[], data: baked[name].data as Float32Array })
      : g.input(name, 'float32', dims);
  const x = g.input('x', 'float32', ['M', dimD]);
  const h = rmsNormNode(g, x, weight('norm', [dimD]), eps);
  const project = (input: string, w: string) => g.node('Gemm', [input, w], { transB: { int: 1 } });
  const gate = project(h, weight('gate', [dimF, dimD]));
  const activated = g.node('Mul', [
    g.node('Mul', [gate, g.node('Sigmoid', [gate])]),
    project(h, weight('up', [dimF, dimD])),
  ]);
  const out = project(activated, weight('down', [dimD, dimF]));
  g.output(residual ? g.node('Add', [x, out]) : out, 'y', 'float32', ['M', dimD]);
  return g;
}

function swigluFfnShape(x: Tensor, w: SwigluFfnWeights): { d: number; f: number; rows: number } {
  const all = { x, norm: w.norm, gate: w.gate, up: w.up, down: w.down };
  const fail = (detail: string): never => {
    throw new ShapeError(
      'swigluFfn',
      detail,
      Object.fromEntries(Object.entries(all).map(([k, t]) => [k, t.dims])),
    );
  };
  for (const [name, t] of Object.entries(all))
    if (t.type !== 'float32') fail(`${name} must be float32, got ${t.type}`);
  if (x.dims.length < 1) fail('x must have rank >= 1');
  const d = x.dims[x.dims.length - 1]!;
  const f = w.gate.dims[0] ?? 0;
  const expected: [string, Tensor, number[]][] = [
    ['norm', w.norm, [d]],
    ['gate', w.gate, [f, d]],
    ['up', w.up, [f, d]],
    ['down', w.down, [d, f]],
  ];
  for (const [name, t, dims] of expected) {
    if (t.dims.length !== dims.length || t.dims.some((v, i) => v !== dims[i]))
      fail(`${name} must be [${dims.join(', ')}]`);
  }
  return { d, f, rows: x.size / Math.max(d, 1) };
}
