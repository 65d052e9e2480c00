import type { Tensor } from '@unmask/tensor';
import type { DiffusionLM } from '@unmask/transformer';
import { CachePolicyError } from '../errors';
import { FlopMeter } from '../meter';
import type { CachePolicy, CacheRequest, RowRange, StepContext } from '../policy';
import { checkCall, flatHeads, headLogits, rowTensor, sliceIds, span, splitHeads } from '../rows';

interface BlockKv {
  blockStart: number;
  batch: number;
  /** Per layer, K (rotated) and V of every row [B, S, Hkv * D] from the block's first step. */
  k: Tensor[];
  v: Tensor[];
}

/**
 * Fast-dLLM's approximate block-wise KV cache. The first step of each block runs the whole model
 * and keeps every layer's K and V; the block's later steps recompute only a window of rows, taking
 * the K/V of the other rows from that pass: 'prefix' recomputes from the block start to the end of
 * the canvas (the prefix is reused), 'dual' only the block (prefix and suffix are reused). The
 * window grows to cover rows the sampler asks for outside it (Dream reads row blockStart - 1).
 */
export class BlockKvCache implements CachePolicy {
  readonly guidance = 'batched';
  readonly flops = new FlopMeter();
  private request: CacheRequest | undefined;
  private cached: BlockKv | undefined;

  constructor(readonly name: 'prefix' | 'dual') {}

  reset(request: CacheRequest): void {
    this.request = request;
    this.cached = undefined;
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
    const start = Math.min(step.blockStart, wanted.start);
    const end = this.name === 'dual' ? Math.max(step.blockEnd, wanted.end) : seq;
    const { backend, config } = counted;
    const positions = rowTensor(span(start, end));
    let x = counted.embed(sliceIds(ids, start, end));
    counted.blocks.forEach((block, i) => {
      const { q, k, v } = block.project(block.attnNorm(x), positions);
      const keys = backend.scatterRows(cached.k[i]!, positions, flatHeads(k));
      const values = backend.scatterRows(cached.v[i]!, positions, flatHeads(v));
      const attended = backend.add(
        x,
        block.attend(q, splitHeads(keys, config.numKvHeads), splitHeads(values, config.numKvHeads)),
      );
      x = backend.add(attended, block.mlp(attended));
    });
    return headLogits(counted, x, wanted, start);
  }

  private fullPass(model: DiffusionLM, ids: Tensor, blockStart: number, wanted: RowRange): Tensor {
    const { backend } = model;
    const positions = rowTensor(span(0, ids.dims[1]!));
    const kv: BlockKv = { blockStart, batch: ids.dims[0]!, k: [], v: [] };
    let x = model.embed(ids);
    for (const block of model.blocks) {
      const { q, k, v } = block.project(block.attnNorm(x), positions);
      kv.k.push(flatHeads(k));
      kv.v.push(flatHeads(v));
      const attended = backend.add(x, block.attend(q, k, v));
      x = backend.add(attended, block.mlp(attended));
    }
    this.cached = kv;
    return headLogits(model, x, wanted);
  }
}
