import { availableParallelism, totalmem } from 'node:os';
import type { Backend } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import { createContext } from './context';
import { argmax } from './ops/argmax';
import { attention } from './ops/attention';
import { cosineRows } from './ops/cosine-rows';
import { add, mul } from './ops/elementwise';
import { embedding } from './ops/embedding';
import { gatherRows } from './ops/gather-rows';
import { layerNorm } from './ops/layer-norm';
import { linear } from './ops/linear';
import { matmul } from './ops/matmul';
import { rmsNorm } from './ops/rms-norm';
import { rope } from './ops/rope';
import { scatterRows } from './ops/scatter-rows';
import { silu, swiglu } from './ops/silu';
import { logSoftmax, softmax } from './ops/softmax';
import { type SwigluFfnOptions, type SwigluFfnWeights, swigluFfn } from './ops/swiglu-ffn';
import { topk } from './ops/topk';
import { ensureRuntime } from './session';

export interface OrtBackendOptions {
  /** Threads of each onnxruntime kernel; default: os.availableParallelism(). */
  intraOpNumThreads?: number;
  /**
   * Let idle intra-op threads spin for new work (onnxruntime's default) instead of sleeping. Every
   * session has its own thread pool, so with spinning the pools of the ops just run keep burning
   * the cores the next op needs: off by default (bench/spinning.ts).
   */
  allowSpinning?: boolean;
  /**
   * Bytes of weights that may be baked into sessions as prepacked initializers; onnxruntime holds
   * about two copies of each baked weight besides the caller's. 0 disables baking. Default: an
   * eighth of the machine's memory.
   */
  bakeBudgetBytes?: number;
}

/** The ort backend, plus fused ops and what a caller may want to inspect or free. */
export interface OrtBackend extends Backend {
  /**
   * A whole LLaMA-style FFN block in one session: down(silu(gate(h)) * up(h)) (+ x when
   * `residual`, the default), h = rmsNorm(x, norm, eps). x [..., D]; returns [..., D].
   */
  swigluFfn(x: Tensor, weights: SwigluFfnWeights, eps: number, options?: SwigluFfnOptions): Tensor;
  readonly intraOpNumThreads: number;
  /** Sessions cached by op signature (not counting baked-weight sessions). */
  readonly cachedSessions: number;
  /** Bytes of weights currently baked into sessions. */
  readonly bakedBytes: number;
  /** Releases every session; the backend stays usable and rebuilds them on demand. */
  dispose(): void;
}

export function createOrtBackend(options: OrtBackendOptions = {}): OrtBackend {
  const intraOpNumThreads = options.intraOpNumThreads ?? availableParallelism();
  if (!Number.isInteger(intraOpNumThreads) || intraOpNumThreads < 1) {
    throw new RangeError(`intraOpNumThreads must be a positive integer, got ${intraOpNumThreads}`);
  }
  // Fail here, not at the first op, when the native library cannot load: the registry then skips us.
  ensureRuntime();
  const sessionOptions = { intraOpNumThreads, allowSpinning: options.allowSpinning ?? false };
  const ctx = createContext(sessionOptions, options.bakeBudgetBytes ?? Math.floor(totalmem() / 8));
  return {
    name: 'ort',
    intraOpNumThreads,
    get cachedSessions() {
      return ctx.sessions.size;
    },
    get bakedBytes() {
      return ctx.weights.bakedBytes;
    },
    dispose() {
      ctx.sessions.dispose();
      ctx.weights.dispose();
    },
    matmul: (a, b, opts) => matmul(ctx, a, b, opts),
    linear: (x, weight, bias) => linear(ctx, x, weight, bias),
    add: (a, b) => add(ctx, a, b),
    mul: (a, b) => mul(ctx, a, b),
    rmsNorm: (x, weight, eps) => rmsNorm(ctx, x, weight, eps),
    layerNorm: (x, weight, bias, eps) => layerNorm(ctx, x, weight, bias, eps),
    rope: (x, positions, theta) => rope(ctx, x, positions, theta),
    softmax: (x) => softmax(ctx, x),
    logSoftmax: (x) => logSoftmax(ctx, x),
    silu: (x) => silu(ctx, x),
    swiglu: (gate, up) => swiglu(ctx, gate, up),
    attention: (q, k, v, opts) => attention(ctx, q, k, v, opts),
    embedding: (ids, table) => embedding(ctx, ids, table),
    gatherRows: (x, rows) => gatherRows(ctx, x, rows),
    scatterRows: (x, rows, src) => scatterRows(ctx, x, rows, src),
    cosineRows: (a, b) => cosineRows(ctx, a, b),
    topk: (x, k) => topk(ctx, x, k),
    argmax: (x) => argmax(ctx, x),
    swigluFfn: (x, weights, eps, opts) => swigluFfn(ctx, x, weights, eps, opts),
  };
}

let shared: OrtBackend | undefined;

/** The default instance (default options), created on first use; `getBackend('ort')` returns it. */
export function ortBackend(): OrtBackend {
  shared ??= createOrtBackend();
  return shared;
}
