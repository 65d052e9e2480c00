import { f32Data, type Tensor } from '@unmask/tensor';
import type { DiffusionLM, TransformerBlock } from '@unmask/transformer';
import { CachePolicyError } from '../errors';
import { FlopMeter } from '../meter';
import type { CachePolicy, CacheRequest, RowRange, StepContext, Stream } from '../policy';
import { checkCall, flatHeads, headLogits, rowTensor, span, splitHeads } from '../rows';

export interface DllmCacheOptions {
  /** Kp: a stream's prompt rows are recomputed every Kp-th forward of that stream (default 100). */
  promptInterval?: number;
  /** Kr: its response rows every Kr-th forward (default 8). */
  responseInterval?: number;
  /**
   * rho in [0, 1]: on the other forwards V-verify recomputes floor(responseLength * rho) response
   * rows of each layer, those whose fresh V is least similar to the cached V (default 0.25; 0 = off).
   */
  transferRatio?: number;
  /** Receives what every layer did, after each forward. */
  onTrace?: (trace: DllmCacheTrace) => void;
}

/**
 * What a layer did: 'both' recomputed every row, 'gen' the response, 'prompt' the prompt (plus
 * V-verify), 'none' nothing (plus V-verify).
 */
export type DllmCacheBranch = 'both' | 'gen' | 'prompt' | 'none';

export interface DllmCacheLayerTrace {
  layer: number;
  refreshPrompt: boolean;
  refreshGen: boolean;
  branch: DllmCacheBranch;
  /** Response-relative rows V-verify recomputed, ascending; null when V-verify did not run. */
  transferIndex: number[] | null;
  /** Cosines of the last selected and the first unselected row, when V-verify left some rows out. */
  cosBoundary?: [number, number];
}

export interface DllmCacheTrace {
  step: number;
  stream: Stream;
  /** 1-based count of this stream's forwards since `reset` (the official `step_counter`). */
  forward: number;
  layers: DllmCacheLayerTrace[];
}

/** One layer's cached features over every row [1, S, ...]: K (rotated) and V flat per row, attention and FFN outputs. */
interface LayerCache {
  k: Tensor;
  v: Tensor;
  attn: Tensor;
  mlp: Tensor;
}

interface StreamCache {
  forwards: number;
  layers: LayerCache[];
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new CachePolicyError(`dllm-cache: ${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * dLLM-Cache (Liu et al. 2025), matching the official code: the cache is reset once per request,
 * layer 0 is always recomputed, V-verify overwrites V for every response row but K only for the
 * selected rows, rho is a fraction of the whole response, attention and FFN outputs are cached per
 * row (the residual stream never is), and each guidance stream keeps its own state.
 */
export class DllmCache implements CachePolicy {
  readonly name = 'dllm-cache';
  readonly guidance = 'per-stream';
  readonly promptInterval: number;
  readonly responseInterval: number;
  readonly transferRatio: number;
  private readonly onTrace: ((trace: DllmCacheTrace) => void) | undefined;
  readonly flops = new FlopMeter();
  private request: CacheRequest | undefined;
  private streams = new Map<Stream, StreamCache>();

  constructor(options: DllmCacheOptions = {}) {
    this.promptInterval = positiveInt('promptInterval', options.promptInterval ?? 100);
    this.responseInterval = positiveInt('responseInterval', options.responseInterval ?? 8);
    this.transferRatio = options.transferRatio ?? 0.25;
    if (!(this.transferRatio >= 0 && this.transferRatio <= 1)) {
      throw new CachePolicyError(`dllm-cache: transferRatio must lie in [0, 1], got ${this.transferRatio}`);
    }
    this.onTrace = options.onTrace;
  }

  reset(request: CacheRequest): void {
    this.request = request;
    this.streams = new Map();
    this.flops.reset();
  }

  logits(model: DiffusionLM, ids: Tensor, step: StepContext, rows?: RowRange): Tensor {
    const request = this.request;
    if (!request) throw new CachePolicyError('dllm-cache: call reset() before the first step of a request');
    const seq = checkCall(this.name, ids, rows, request);
    if (ids.dims[0] !== 1) {
      throw new CachePolicyError(
        `dllm-cache: one canvas per call (got a batch of ${ids.dims[0]}); run guidance streams as separate calls`,
      );
    }
    const stream = step.stream ?? 'cond';
    let state = this.streams.get(stream);
    if (!state) {
      state = { forwards: 0, layers: [] };
      this.streams.set(stream, state);
    }
    state.forwards++;
    const counted = this.flops.model(model, step.step);
    let x = counted.embed(ids);
    const layers = counted.blocks.map((block, i) => {
      const out = this.layer(counted, block, i, x, state);
      x = out.x;
      return out.trace;
    });
    this.onTrace?.({ step: step.step, stream, forward: state.forwards, layers });
    return headLogits(counted, x, rows ?? { start: 0, end: seq });
  }

  private layer(
    model: DiffusionLM,
    block: TransformerBlock,
    index: number,
    x: Tensor,
    state: StreamCache,
  ): { x: Tensor; trace: DllmCacheLayerTrace } {
    const { backend, config } = model;
    const { promptLength, totalLength } = this.request!;
    const since = state.forwards - 1;
    const refreshPrompt = index === 0 || since % this.promptInterval === 0;
    const refreshGen = index === 0 || since % this.responseInterval === 0;
    const verify = !refreshGen && this.transferRatio > 0;
    const prompt = refreshPrompt ? span(0, promptLength) : [];
    const response = span(promptLength, totalLength);
    const cache = state.layers[index];

    // Rows whose attention input is normed: those recomputed, plus every response row for V-verify.
    const normed = [...prompt, ...(refreshGen || verify ? response : [])];
    let recomputed = [...prompt, ...(refreshGen ? response : [])];
    let selection: { rows: number[]; boundary?: [number, number] } | undefined;
    let k = cache?.k;
    let v = cache?.v;
    let attn = cache?.attn;
    let mlp = cache?.mlp;
    if (normed.length > 0) {
      const h = block.attnNorm(takeRows(model, x, normed, totalLength));
      const fresh = flatHeads(block.projectV(h));
      if (verify) {
        const freshResponse = takeRows(model, fresh, span(prompt.length, normed.length), normed.length);
        const cachedResponse = backend.gatherRows(cache!.v, rowTensor(response));
        selection = leastSimilar(
          f32Data(backend.cosineRows(freshResponse, cachedResponse)),
          Math.floor(response.length * this.transferRatio),
        );
        recomputed = [...recomputed, ...selection.rows.map((r) => r + promptLength)];
      }
      v = replaceRows(model, v, normed, fresh, totalLength);
      if (recomputed.length > 0) {
        const local = new Map(normed.map((row, i) => [row, i]));
        const hRecomputed =
          recomputed.length === normed.length
            ? h
            : backend.gatherRows(h, rowTensor(recomputed.map((r) => local.get(r)!)));
        const { q, k: kFresh } = block.projectQK(hRecomputed, rowTensor(recomputed));
        k = replaceRows(model, k, recomputed, flatHeads(kFresh), totalLength);
        const out = block.attend(q, splitHeads(k, config.numKvHeads), splitHeads(v, config.numKvHeads));
        attn = replaceRows(model, attn, recomputed, out, totalLength);
      }
    }
    const afterAttention = backend.add(x, attn!);
    if (recomputed.length > 0) {
      mlp = replaceRows(
        model,
        mlp,
        recomputed,
        block.mlp(takeRows(model, afterAttention, recomputed, totalLength)),
        totalLength,
      );
    }
    state.layers[index] = { k: k!, v: v!, attn: attn!, mlp: mlp! };
    const trace: DllmCacheLayerTrace = {
      layer: index,
      refreshPrompt,
      refreshGen,
      branch: refreshPrompt ? (refreshGen ? 'both' : 'prompt') : refreshGen ? 'gen' : 'none',
      transferIndex: selection ? selection.rows : null,
      ...(selection?.boundary ? { cosBoundary: selection.boundary } : {}),
    };
    return { x: backend.add(afterAttention, mlp!), trace };
  }
}

/** Rows `rows` (ascending, distinct) of x [B, N, W]; x itself when they are all N rows. */
function takeRows(model: DiffusionLM, x: Tensor, rows: readonly number[], n: number): Tensor {
  return rows.length === n ? x : model.backend.gatherRows(x, rowTensor(rows));
}

/** `cached` with `rows` replaced by `fresh`; `fresh` itself when it covers all n rows. */
function replaceRows(
  model: DiffusionLM,
  cached: Tensor | undefined,
  rows: readonly number[],
  fresh: Tensor,
  n: number,
): Tensor {
  if (rows.length === n) return fresh;
  if (!cached) throw new CachePolicyError('dllm-cache: a partial update before the first full forward');
  return model.backend.scatterRows(cached, rowTensor(rows), fresh);
}

/** The `count` rows of least cosine similarity, ascending (lower index first on ties), and the cosines around the cut. */
function leastSimilar(cosines: Float32Array, count: number): { rows: number[]; boundary?: [number, number] } {
  const order = span(0, cosines.length).sort((a, b) => cosines[a]! - cosines[b]! || a - b);
  const rows = order.slice(0, count).sort((a, b) => a - b);
  if (count === 0 || count === cosines.length) return { rows };
  return { rows, boundary: [cosines[order[count - 1]!]!, cosines[order[count]!]!] };
}
