import { BACKEND_OPS, type Backend, numel, type Tensor } from '@unmask/tensor';

type Op = (typeof BACKEND_OPS)[number];

/**
 * FLOPs of one op call from its argument shapes. A multiply-add counts 2. Elementwise ops count a
 * rough number of operations per element (a norm: square, sum, scale, weight = 4); moving data
 * (embedding, gather, scatter) and comparisons (topk, argmax) count 0. Matmul-shaped work dominates
 * every real model, so these small constants only matter for the smallest tensors.
 */
const OP_FLOPS: { [K in Op]: (...args: Parameters<Backend[K]>) => number } = {
  matmul: (a, b, options) => {
    const m = a.dims[a.dims.length - 2]!;
    const k = a.dims[a.dims.length - 1]!;
    const n = options?.transposeB ? b.dims[b.dims.length - 2]! : b.dims[b.dims.length - 1]!;
    const batch = numel(a.dims) / (m * k);
    return 2 * batch * m * k * n;
  },
  linear: (x, weight, bias) => {
    const [outFeatures, inFeatures] = weight.dims as [number, number];
    const rows = numel(x.dims) / inFeatures;
    return rows * outFeatures * (2 * inFeatures + (bias ? 1 : 0));
  },
  add: (a) => numel(a.dims),
  mul: (a) => numel(a.dims),
  rmsNorm: (x) => 4 * numel(x.dims),
  layerNorm: (x) => 7 * numel(x.dims),
  rope: (x) => 3 * numel(x.dims),
  softmax: (x) => 4 * numel(x.dims),
  logSoftmax: (x) => 4 * numel(x.dims),
  silu: (x) => 4 * numel(x.dims),
  swiglu: (gate) => 5 * numel(gate.dims),
  attention: (q, k, _v, options) => {
    const [batch, queries, heads, headDim] = q.dims as [number, number, number, number];
    const keys = k.dims[options?.kvHeadMajor ? 2 : 1]!;
    const scores = batch * heads * queries * keys;
    // q·k and p·v are 2 * headDim each per score; scaling plus softmax about 5.
    return scores * (4 * headDim + 5);
  },
  embedding: () => 0,
  gatherRows: () => 0,
  scatterRows: () => 0,
  cosineRows: (a) => 6 * numel(a.dims),
  topk: () => 0,
  argmax: () => 0,
};

/** FLOPs of `op` called with `args`. */
export function opFlops<K extends Op>(op: K, ...args: Parameters<Backend[K]>): number {
  return (OP_FLOPS[op] as (...a: Parameters<Backend[K]>) => number)(...args);
}

/** A backend that runs every op on `inner` and reports the op's FLOPs to `count` first. */
export function countingBackend(inner: Backend, count: (flops: number) => void): Backend {
  const counted: Record<string, unknown> = { name: inner.name };
  for (const op of BACKEND_OPS) {
    const cost = OP_FLOPS[op] as (...args: unknown[]) => number;
    const run = (inner[op] as (...args: unknown[]) => Tensor | { values: Tensor; indices: Tensor }).bind(
      inner,
    );
    counted[op] = (...args: unknown[]) => {
      count(cost(...args));
      return run(...args);
    };
  }
  return counted as unknown as Backend;
}
