import { f32, f32Data, type Tensor } from '@unmask/tensor';
import type { DiffusionLM } from '@unmask/transformer';
import { CachePolicyError } from '../errors';
import { FlopMeter } from '../meter';
import type { CachePolicy, CacheRequest, RowRange, StepContext } from '../policy';
import { checkCall, headLogits, rowTensor, sliceIds, span, writeHeadRows } from '../rows';

interface BlockKv {
  blockStart: number;
  batch: number;
  /**
   * Per layer, K (rotated) and V of every row, head-major [B, Hkv, S, D] (what attention reads
   * without a copy): the block's first step wrote them all, later steps overwrite the window's
   * rows in place.
   */
  k: Float32Array[];
  v: Float32Array[];
  /** The rows [start, end) of each canvas the later steps recomputed so far (empty: start = end). */
  window: RowRange;
}

/**
 * Fast-dLLM's approximate block-wise KV cache. The first step of each block runs the whole model
 * and keeps every layer's K and V; the block's later steps recompute only a window of rows, taking
 * the K/V of the other rows from that pass: 'prefix' recomputes from the block start to the end of
 * the canvas (the prefix is reused), 'dual' only the block (prefix and suffix are reused). The
 * window grows to cover rows the sampler asks for outside it (Dream reads row blockStart - 1), and
 * never shrinks within a block: its rows' K/V are overwritten in place, so every row outside it
 * still holds the first step's K/V.
 */
export class BlockKvCache implements CachePolicy {
  readonly guidance = 'batched';
  readonly flops = new FlopMeter();
  private request: CacheRequest | undefined;
  private cached: BlockKv | undefined;

  constructor(readonly name: 'prefix' | 'dual') {}

  reset(request: CacheRequest): void {
    this.request = request;
    // The arrays stay for the next full pass to reuse; `blockStart: -1` makes the first step one.
    if (this.cached) this.cached.blockStart = -1;
    this.flops.reset();
  }

  logits(model: DiffusionLM, ids: Tensor, step: StepContext, rows?: RowRange): Tensor {
    if (!this.request)
      throw new CachePolicyError(`${this.name}: call reset() before the first step of a request`);
    const seq = checkCall(this.name, ids, rows, this.request);
    const wanted = rows ?? { start: 0, end: seq };
    const counted = this.flops.model(model, step.step);
    const cached = this.cached;
    if (!cached || cached.blockStart !== step.blockStart || cached.batch !== ids.dims[0]) {
      return this.fullPass(counted, ids, step.blockStart, wanted);
    }
    const { backend, config } = counted;
    // The window never shrinks within a block: rows written by an earlier step are recomputed again.
    const prior = cached.window;
    const start = Math.min(step.blockStart, wanted.start, prior.end > prior.start ? prior.start : seq);
    const end = Math.max(this.name === 'dual' ? Math.max(step.blockEnd, wanted.end) : seq, prior.end);
    cached.window = { start, end };
    const batch = ids.dims[0]!;
    const layout = { batch, heads: config.numKvHeads, headDim: config.headDim, seq };
    const heads = (data: Float32Array) => f32([batch, config.numKvHeads, seq, config.headDim], data);
    const windowRows = span(start, end);
    const positions = rowTensor(windowRows);
    let x = counted.embed(sliceIds(ids, start, end));
    counted.blocks.forEach((block, i) => {
      const { q, k, v } = block.project(block.attnNorm(x), positions);
      writeHeadRows(cached.k[i]!, windowRows, f32Data(k), layout);
      writeHeadRows(cached.v[i]!, windowRows, f32Data(v), layout);
      const attended = backend.add(x, block.attendHeadMajor(q, heads(cached.k[i]!), heads(cached.v[i]!)));
      x = backend.add(attended, block.mlp(attended));
    });
    return headLogits(counted, x, wanted, start);
  }

  private fullPass(model: DiffusionLM, ids: Tensor, blockStart: number, wanted: RowRange): Tensor {
    const { backend, config } = model;
    const [batch, seq] = ids.dims as [number, number];
    const rows = span(0, seq);
    const positions = rowTensor(rows);
    const layout = { batch, heads: config.numKvHeads, headDim: config.headDim, seq };
    // Every row is written: the previous block's arrays (of the same size) are reused.
    const reuse =
      this.cached?.batch === batch &&
      this.cached.k[0]?.length === batch * seq * layout.heads * layout.headDim;
    const headMajor = (t: Tensor, previous: Float32Array | undefined) => {
      const out = reuse && previous ? previous : new Float32Array(t.size);
      writeHeadRows(out, rows, f32Data(t), layout);
      return out;
    };
    const kv: BlockKv = { blockStart, batch, k: [], v: [], window: { start: 0, end: 0 } };
    let x = model.embed(ids);
    for (const [i, block] of model.blocks.entries()) {
      const { q, k, v } = block.project(block.attnNorm(x), positions);
      kv.k.push(headMajor(k, this.cached?.k[i]));
      kv.v.push(headMajor(v, this.cached?.v[i]));
      const attended = backend.add(x, block.attend(q, k, v));
      x = backend.add(attended, block.mlp(attended));
    }
    this.cached = kv;
    return headLogits(model, x, wanted);
  }
}
