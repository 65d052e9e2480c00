import {
  type CachePolicy,
  checkCall,
  FlopMeter,
  flatHeads,
  headLogits,
  type RowRange,
  rowTensor,
  type StepContext,
  span,
} from '@unmask/cache';
import { f32Data, i32Data, type Tensor } from '@unmask/tensor';
import type { DiffusionLM } from '@unmask/transformer';
import { AnalysisError } from './errors';

/** The features dLLM-Cache caches, in the order its paper plots them. */
export const FEATURES = ['k', 'v', 'attn', 'ffn'] as const;
export type Feature = (typeof FEATURES)[number];

export const FEATURE_NAMES: Record<Feature, string> = {
  k: 'K',
  v: 'V',
  attn: 'attention output',
  ffn: 'FFN output',
};

/** One layer's features of every canvas row, each row-major [S, width] (K rotated, K/V over all KV heads). */
export type LayerFeatures = Record<Feature, Float32Array>;

/** What one forward computed. */
export interface RecordedForward {
  step: number;
  /** The canvas the forward saw. */
  ids: Int32Array;
  layers: LayerFeatures[];
}

/**
 * A cache policy that caches nothing: it runs the full forward through the block stages (as
 * `none` does, with the same ops on the same shapes, so the same logits) and hands every layer's
 * K, V, attention output and FFN output to `onForward`. One canvas per call.
 */
export class FeatureRecorder implements CachePolicy {
  readonly name = 'feature-recorder';
  readonly guidance = 'batched';
  readonly flops = new FlopMeter();

  constructor(private readonly onForward: (forward: RecordedForward) => void) {}

  reset(): void {
    this.flops.reset();
  }

  logits(model: DiffusionLM, ids: Tensor, step: StepContext, rows?: RowRange): Tensor {
    const seq = checkCall(this.name, ids, rows);
    if (ids.dims[0] !== 1)
      throw new AnalysisError(`${this.name}: one canvas per call, got a batch of ${ids.dims[0]}`);
    const counted = this.flops.model(model, step.step);
    const positions = rowTensor(span(0, seq));
    const layers: LayerFeatures[] = [];
    let x = counted.embed(ids);
    for (const block of counted.blocks) {
      const { q, k, v } = block.project(block.attnNorm(x), positions);
      const attn = block.attend(q, k, v);
      const afterAttention = counted.backend.add(x, attn);
      const ffn = block.mlp(afterAttention);
      x = counted.backend.add(afterAttention, ffn);
      layers.push({ k: copy(flatHeads(k)), v: copy(flatHeads(v)), attn: copy(attn), ffn: copy(ffn) });
    }
    this.onForward({ step: step.step, ids: i32Data(ids).slice(), layers });
    return headLogits(counted, x, rows ?? { start: 0, end: seq });
  }
}

/** A copy: a backend may hand out views of buffers it later reuses. */
function copy(tensor: Tensor): Float32Array {
  return f32Data(tensor).slice();
}
