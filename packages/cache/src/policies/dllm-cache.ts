import { f32, f32Data, i32, i32Data, type Tensor } from '@unmask/tensor';
import type { DiffusionLM, TransformerBlock } from '@unmask/transformer';
import { CachePolicyError } from '../errors';
import { FlopMeter } from '../meter';
import type { CachePolicy, CacheRequest, RowRange, StepContext, Stream } from '../policy';
import { checkCall, readRows, rowTensor, span, writeHeadRows, writeRows } from '../rows';

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

/**
 * One layer's cached features over every canvas row, updated in place: K (rotated) and V
 * head-major [Hkv, S, D] (what attention reads without a copy), attention and FFN outputs
 * row-major [S, W]; and the response rows' V again row-major [R, Hkv * D], what V-verify compares
 * (a view of the V array the layer last computed).
 */
interface LayerCache {
  k: Float32Array;
  v: Float32Array;
  attn: Float32Array;
  mlp: Float32Array;
  responseV: Float32Array;
}

interface StreamCache {
  forwards: number;
  /** The canvas of the previous forward (layer 0's K/V of a row change only with its token). */
  ids: Int32Array | undefined;
  /** Layer 0's K and V, head-major [Hkv, S, D]. */
  first: { k: Float32Array; v: Float32Array } | undefined;
  /** Layers >= 1 (index 0 stays empty). */
  layers: LayerCache[];
}

/** What one forward of one stream works on. */
interface Forward {
  model: DiffusionLM;
  state: StreamCache;
  promptLength: number;
  seq: number;
  refreshPrompt: boolean;
  refreshGen: boolean;
  /** Ascending canvas rows whose residual stream is carried from layer to layer. */
  live: number[];
  /** Canvas row -> its index in `live` (-1 when not live). */
  localOf: Int32Array;
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
 * row (the residual stream never is), and each guidance stream keeps its own state. It skips what
 * the official code computes in vain: rows whose residual no later layer reads, and layer 0's K/V
 * of rows whose token did not change (see `firstLayer`). Caches are updated in place, K/V
 * head-major.
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
    const previous = this.request;
    this.request = request;
    if (previous?.promptLength === request.promptLength && previous.totalLength === request.totalLength) {
      // Keep the arrays of a request of the same sizes (the first forward overwrites every row
      // before any is read): allocating and first touching hundreds of MB costs a long prompt's
      // first step a tenth of its time.
      for (const state of this.streams.values()) {
        state.forwards = 0;
        state.ids = undefined;
      }
    } else {
      this.streams = new Map();
    }
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
      state = { forwards: 0, ids: undefined, first: undefined, layers: [] };
      this.streams.set(stream, state);
    }
    state.forwards++;
    const since = state.forwards - 1;
    const { promptLength } = request;
    const wanted = rows ?? { start: 0, end: seq };
    const refreshPrompt = since % this.promptInterval === 0;
    // A prompt row's residual is read by a later layer only when that layer refreshes the prompt
    // (every layer >= 1 does so at the same forward), or for its logits: the other prompt rows'
    // attention and FFN outputs would be computed at layer 0 and never used.
    const live = refreshPrompt
      ? span(0, seq)
      : [...span(wanted.start, Math.min(wanted.end, promptLength)), ...span(promptLength, seq)];
    const localOf = new Int32Array(seq).fill(-1);
    live.forEach((row, i) => {
      localOf[row] = i;
    });
    const counted = this.flops.model(model, step.step);
    const forward: Forward = {
      model: counted,
      state,
      promptLength,
      seq,
      refreshPrompt,
      refreshGen: since % this.responseInterval === 0,
      live,
      localOf,
    };
    let x = this.firstLayer(forward, counted.blocks[0]!, i32Data(ids));
    const layers: DllmCacheLayerTrace[] = [
      { layer: 0, refreshPrompt: true, refreshGen: true, branch: 'both', transferIndex: null },
    ];
    for (let i = 1; i < counted.blocks.length; i++) {
      const out = this.layer(forward, counted.blocks[i]!, i, x);
      x = out.x;
      layers.push(out.trace);
    }
    this.onTrace?.({ step: step.step, stream, forward: state.forwards, layers });
    const local = span(wanted.start, wanted.end).map((row) => localOf[row]!);
    const head = local.length === live.length ? x : readRows(f32Data(x), local, model.config.hiddenSize);
    return counted.lmHead(counted.finalNorm(head));
  }

  /**
   * Layer 0 recomputes the attention and FFN outputs of the live rows at every forward, and K and
   * V of every row at a prompt refresh. At the other forwards it recomputes K and V only of the rows
   * whose token changed since the stream's previous forward: layer 0's K/V of a row are a function
   * of its token and position alone, so the others would come out the same (the official code
   * recomputes them; on a long prompt that was most of a step). ids [S] -> the live rows' residual
   * [1, live, W].
   */
  private firstLayer(f: Forward, block: TransformerBlock, ids: Int32Array): Tensor {
    const { backend, config } = f.model;
    const { seq, live, state } = f;
    const width = config.hiddenSize;
    const layout = { batch: 1, heads: config.numKvHeads, headDim: config.headDim, seq };
    const previous = state.ids;
    let first = state.first;
    let changed: number[];
    if (!first || !previous || f.refreshPrompt) {
      const size = seq * layout.heads * layout.headDim;
      if (first?.k.length !== size) first = { k: new Float32Array(size), v: new Float32Array(size) };
      state.first = first;
      changed = span(0, seq);
    } else {
      changed = span(0, seq).filter((row) => ids[row] !== previous[row]);
    }
    state.ids = ids.slice();
    // Rows whose normed input is needed: those attending (live) and those whose K/V change.
    const wanted = new Uint8Array(seq);
    for (const row of live) wanted[row] = 1;
    for (const row of changed) wanted[row] = 1;
    const needed = span(0, seq).filter((row) => wanted[row] === 1);
    const local = new Int32Array(seq);
    needed.forEach((row, i) => {
      local[row] = i;
    });
    const x = f.model.embed(
      i32(
        [1, needed.length],
        needed.map((row) => ids[row]!),
      ),
    );
    const h = block.attnNorm(x);
    const hData = f32Data(h);
    const subset = (rows: number[]) =>
      rows.length === needed.length
        ? h
        : readRows(
            hData,
            rows.map((row) => local[row]!),
            width,
          );
    let fresh: { k: Tensor; v: Tensor } | undefined;
    if (changed.length > 0) {
      const hChanged = subset(changed);
      fresh = { k: block.projectK(hChanged, rowTensor(changed)), v: block.projectV(hChanged) };
      writeHeadRows(first.k, changed, f32Data(fresh.k), layout);
      writeHeadRows(first.v, changed, f32Data(fresh.v), layout);
    }
    const q = block.projectQ(subset(live), rowTensor(live));
    const heads = (data: Float32Array) => f32([1, layout.heads, seq, layout.headDim], data);
    const residual =
      live.length === needed.length
        ? x
        : readRows(
            f32Data(x),
            live.map((row) => local[row]!),
            width,
          );
    // Every row fresh: attend to them as they come, as `none` does.
    const attended =
      changed.length === seq && fresh
        ? block.attend(q, fresh.k, fresh.v)
        : block.attendHeadMajor(q, heads(first.k), heads(first.v));
    const afterAttention = backend.add(residual, attended);
    return backend.add(afterAttention, block.mlp(afterAttention));
  }

  /** A layer >= 1: x [1, live, W] -> [1, live, W]. */
  private layer(
    f: Forward,
    block: TransformerBlock,
    index: number,
    x: Tensor,
  ): { x: Tensor; trace: DllmCacheLayerTrace } {
    const { backend, config } = f.model;
    const { promptLength, seq, refreshPrompt, refreshGen, live, localOf } = f;
    const width = config.hiddenSize;
    const kvWidth = config.numKvHeads * config.headDim;
    const layout = { batch: 1, heads: config.numKvHeads, headDim: config.headDim, seq };
    const verify = !refreshGen && this.transferRatio > 0;
    const responseLength = seq - promptLength;
    const prompt = refreshPrompt ? span(0, promptLength) : [];
    const response = span(promptLength, seq);
    let cache = f.state.layers[index];
    if (!cache || cache.attn.length !== seq * width || cache.k.length !== seq * kvWidth) {
      if (!(refreshPrompt && refreshGen))
        throw new CachePolicyError('dllm-cache: a partial update before the first full forward');
      const rows = (n: number) => new Float32Array(seq * n);
      cache = {
        k: rows(kvWidth),
        v: rows(kvWidth),
        attn: rows(width),
        mlp: rows(width),
        responseV: new Float32Array(0), // this full forward sets it before any forward reads it
      };
      f.state.layers[index] = cache;
    }

    // Rows whose attention input is normed: those recomputed, plus every response row for V-verify;
    // the prompt rows (when present) come first, so the response is the last rows of `normed`.
    const normed = [...prompt, ...(refreshGen || verify ? response : [])];
    let recomputed = [...prompt, ...(refreshGen ? response : [])];
    let selection: { rows: number[]; boundary?: [number, number] } | undefined;
    if (normed.length > 0) {
      const xData = f32Data(x);
      const h = block.attnNorm(
        normed.length === live.length
          ? x
          : readRows(
              xData,
              normed.map((row) => localOf[row]!),
              width,
            ),
      );
      const vFresh = block.projectV(h);
      const fresh = f32Data(vFresh);
      if (verify) {
        const freshResponse = readRows(fresh, span(normed.length - responseLength, normed.length), kvWidth);
        const cachedResponse = f32([1, responseLength, kvWidth], cache.responseV);
        selection = leastSimilar(
          f32Data(backend.cosineRows(freshResponse, cachedResponse)),
          Math.floor(responseLength * this.transferRatio),
        );
        recomputed = [...recomputed, ...selection.rows.map((r) => r + promptLength)];
      }
      // V is overwritten for every normed row, K only for the recomputed ones (the official code).
      writeHeadRows(cache.v, normed, fresh, layout);
      // The fresh V array is never written again: keep a view of it rather than a copy.
      if (refreshGen || verify) cache.responseV = fresh.subarray((normed.length - responseLength) * kvWidth);
      if (recomputed.length > 0) {
        const hData = f32Data(h);
        const hRecomputed =
          recomputed.length === normed.length
            ? h
            : readRows(
                hData,
                recomputed.map((row) => (row < promptLength || refreshPrompt ? row : row - promptLength)),
                width,
              );
        const positions = rowTensor(recomputed);
        const q = block.projectQ(hRecomputed, positions);
        const k = block.projectK(hRecomputed, positions);
        writeHeadRows(cache.k, recomputed, f32Data(k), layout);
        const heads = (data: Float32Array) => f32([1, config.numKvHeads, seq, config.headDim], data);
        // Every row fresh (then `normed` is every row too): attend to them as they come, as `none` does.
        const attended =
          recomputed.length === seq
            ? block.attend(q, k, vFresh)
            : block.attendHeadMajor(q, heads(cache.k), heads(cache.v));
        writeRows(cache.attn, recomputed, f32Data(attended), width);
      }
    }
    const afterAttention = backend.add(x, readRows(cache.attn, live, width));
    if (recomputed.length > 0) {
      const input =
        recomputed.length === live.length
          ? afterAttention
          : readRows(
              f32Data(afterAttention),
              recomputed.map((row) => localOf[row]!),
              width,
            );
      writeRows(cache.mlp, recomputed, f32Data(block.mlp(input)), width);
    }
    const trace: DllmCacheLayerTrace = {
      layer: index,
      refreshPrompt,
      refreshGen,
      branch: refreshPrompt ? (refreshGen ? 'both' : 'prompt') : refreshGen ? 'gen' : 'none',
      transferIndex: selection ? selection.rows : null,
      ...(selection?.boundary ? { cosBoundary: selection.boundary } : {}),
    };
    return { x: backend.add(afterAttention, readRows(cache.mlp, live, width)), trace };
  }
}

/** The `count` rows of least cosine similarity, ascending (lower index first on ties), and the cosines around the cut. */
function leastSimilar(cosines: Float32Array, count: number): { rows: number[]; boundary?: [number, number] } {
  const order = span(0, cosines.length).sort((a, b) => cosines[a]! - cosines[b]! || a - b);
  const rows = order.slice(0, count).sort((a, b) => a - b);
  if (count === 0 || count === cosines.length) return { rows };
  return { rows, boundary: [cosines[order[count - 1]!]!, cosines[order[count]!]!] };
}
