import type { Tensor } from 'onnxruntime-common';

/**
 * The ops every backend implements. All float tensors are float32; index tensors (ids, rows,
 * positions, topk/argmax results) are int32. Tensors are contiguous row-major onnxruntime-common
 * `Tensor`s. Ops never modify their inputs and return new tensors. Shapes are written with `...`
 * for any number of leading dims. A shape or dtype an op does not accept raises a `ShapeError`
 * naming the op and the shapes.
 */
export interface Backend {
  readonly name: string;

  /**
   * Batched matrix product. a [..., M, K]; b [..., K, N] or, with `transposeB`, [..., N, K].
   * b's leading dims equal a's, or b is rank 2 and shared by every batch. Returns [..., M, N].
   */
  matmul(a: Tensor, b: Tensor, options?: { transposeB?: boolean }): Tensor;

  /** y = x W^T + bias, Hugging Face layout. x [..., in]; weight [out, in]; bias [out]. Returns [..., out]. */
  linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor;

  /** Elementwise a + b. b has a's shape, or a's trailing dims (e.g. one row [D] added to every row). */
  add(a: Tensor, b: Tensor): Tensor;

  /** Elementwise a * b, broadcasting b as in `add`. */
  mul(a: Tensor, b: Tensor): Tensor;

  /** x / sqrt(mean(x^2) + eps) * weight over the last axis. x [..., D]; weight [D]. */
  rmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor;

  /** (x - mean) / sqrt(var + eps) * weight + bias over the last axis (biased variance). weight, bias [D]. */
  layerNorm(x: Tensor, weight: Tensor, bias: Tensor | undefined, eps: number): Tensor;

  /**
   * Rotary position embedding, LLaMA half-rotation (`rotate_half`: dim i pairs with i + D/2).
   * x [..., S, H, D] (D even); positions int32 [S], any integers (the rows' true positions).
   * Angle for pair i at position p: p * theta^(-2i/D).
   */
  rope(x: Tensor, positions: Tensor, theta: number): Tensor;

  /** Softmax over the last axis. */
  softmax(x: Tensor): Tensor;

  /** log(softmax(x)) over the last axis, computed stably. */
  logSoftmax(x: Tensor): Tensor;

  /** x * sigmoid(x). */
  silu(x: Tensor): Tensor;

  /** silu(gate) * up; same shapes. */
  swiglu(gate: Tensor, up: Tensor): Tensor;

  /**
   * Scaled dot-product attention with grouped KV heads.
   * q [B, Sq, Hq, D]; k, v [B, Sk, Hkv, D] with Hq a multiple of Hkv (query head h uses KV head
   * floor(h / (Hq / Hkv))). Returns [B, Sq, Hq, D]. See `AttentionOptions` for masking.
   */
  attention(q: Tensor, k: Tensor, v: Tensor, options?: AttentionOptions): Tensor;

  /** Row lookup. ids int32 [...]; table [V, D]. Returns [..., D]. Ids outside [0, V) are an error. */
  embedding(ids: Tensor, table: Tensor): Tensor;

  /** Rows of x along the second-to-last axis. x [..., N, D]; rows int32 [R] in [0, N). Returns [..., R, D]. */
  gatherRows(x: Tensor, rows: Tensor): Tensor;

  /**
   * A copy of x with rows replaced: out[..., rows[i], :] = src[..., i, :].
   * x [..., N, D]; rows int32 [R], distinct, in [0, N); src [..., R, D].
   */
  scatterRows(x: Tensor, rows: Tensor, src: Tensor): Tensor;

  /**
   * Cosine similarity of matching rows: a·b / (max(|a|, eps) * max(|b|, eps)), eps = 1e-8.
   * a, b [..., D]. Returns [...].
   */
  cosineRows(a: Tensor, b: Tensor): Tensor;

  /**
   * The k largest values of the last axis, in descending order; ties keep the lower index first.
   * x [..., N]; 0 <= k <= N. Returns values [..., k] and int32 indices [..., k].
   */
  topk(x: Tensor, k: number): { values: Tensor; indices: Tensor };

  /** Index of the largest value of the last axis (the first one on ties). x [..., N], N >= 1. Returns int32 [...]. */
  argmax(x: Tensor): Tensor;
}

/**
 * Attention masking. Every mask is combined: a key is visible when causal allows it and the boolean
 * mask is true; the additive mask is added to the scaled scores. A query row that sees no key (or
 * whose scores are all -Infinity) gets all-zero weights (output 0), as PyTorch >= 2.5 does.
 */
export interface AttentionOptions {
  /** Multiplies q·k; default 1 / sqrt(D). */
  scale?: number;
  /** Query i sees key j only when j <= i + (Sk - Sq) (queries are the last Sq positions). */
  causal?: boolean;
  /**
   * bool (true = attend) or float32 (added to the scores). Shape [Sq, Sk], [B, Sq, Sk] or
   * [B, 1 | Hq, Sq, Sk].
   */
  mask?: Tensor;
  /**
   * k and v are head-major [B, Hkv, Sk, D], the layout a KV cache updates row by row and attention
   * reads without a transpose, instead of [B, Sk, Hkv, D].
   */
  kvHeadMajor?: boolean;
}

/** The op names of `Backend`, for the conformance suite and benchmarks. */
export const BACKEND_OPS = [
  'matmul',
  'linear',
  'add',
  'mul',
  'rmsNorm',
  'layerNorm',
  'rope',
  'softmax',
  'logSoftmax',
  'silu',
  'swiglu',
  'attention',
  'embedding',
  'gatherRows',
  'scatterRows',
  'cosineRows',
  'topk',
  'argmax',
] as const satisfies readonly (keyof Backend)[];
