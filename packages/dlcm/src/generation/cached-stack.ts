import { type Backend, bool, i32, type Tensor } from '@unmask/tensor';
import type { StageConfig } from '../config';
import type { CausalStack } from '../stack';
import { KvCache } from './kv-cache';

/**
 * bool [R, N + R]: R new rows after N cached ones, row i seeing the cached rows and new rows 0..i.
 * With N = 0 it is the full forward's causal mask.
 */
export function causalMaskAfter(cached: number, rows: number): Tensor {
  const keys = cached + rows;
  const data = new Uint8Array(rows * keys);
  for (let i = 0; i < rows; i++) data.fill(1, i * keys, i * keys + cached + i + 1);
  return bool([rows, keys], data);
}

/**
 * A `CausalStack` run incrementally (batch 1): rows appended at the end take the next RoPE
 * positions and see every earlier row through one K/V cache per layer. Appending R rows at once
 * (a prefill) and appending them one by one give the same outputs and the same caches.
 */
export class CachedStack {
  private readonly caches: KvCache[];
  private rows = 0;

  constructor(
    private readonly backend: Backend,
    private readonly stack: CausalStack,
    stage: StageConfig,
  ) {
    this.caches = stack.blocks.map(() => new KvCache(stage.numKvHeads, stage.headDim));
  }

  /** Rows appended so far (the next row's position). */
  get length(): number {
    return this.rows;
  }

  /** Runs every block over new rows x [1, R, W] against the caches, appending their K/V: [1, R, W]. */
  append(x: Tensor): Tensor {
    const count = x.dims[1]!;
    const positions = i32(
      [count],
      Array.from({ length: count }, (_, i) => this.rows + i),
    );
    // A single row sees every cached row: no mask needed.
    const mask = count === 1 ? undefined : causalMaskAfter(this.rows, count);
    let out = x;
    this.stack.blocks.forEach((block, i) => {
      const cache = this.caches[i]!;
      const { q, k, v } = block.project(block.attnNorm(out), positions);
      cache.append(k, v);
      const attended = this.backend.add(out, block.attend(q, cache.keys(), cache.values(), mask));
      out = this.backend.add(attended, block.mlp(attended));
    });
    this.rows += count;
    return out;
  }
}
