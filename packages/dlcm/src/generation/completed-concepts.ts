import { f32, f32Data, type Tensor } from '@unmask/tensor';
import type { DlcmConceptModules, DlcmModel } from '../model';
import { CachedStack } from './cached-stack';
import { KvCache } from './kv-cache';

/**
 * The concepts whose segment has ended: the backbone's K/V cache over them (causal over concepts,
 * concept j at RoPE position j) and the decoder cross-attention's K/V of each, the null concept
 * first. A concept is added once, when the token after its segment is found to be a boundary.
 */
export class CompletedConcepts {
  private readonly backbone: CachedStack;
  private readonly cross: KvCache;
  private readonly path: DlcmConceptModules;

  constructor(private readonly model: DlcmModel) {
    this.path = model.requireConceptPath('concepts');
    const { config, weights } = this.path;
    this.backbone = new CachedStack(model.backend, this.path.backbone, config.backbone);
    this.cross = new KvCache(config.crossAttention.numKvHeads, config.crossAttention.headDim);
    this.appendCrossKv(f32([1, 1, config.dConcept], f32Data(weights.nullConcept)));
  }

  /** Completed concepts so far, the null concept not counted. */
  get count(): number {
    return this.backbone.length;
  }

  /** Segment means [F * d_token] (in order): W_up, one backbone step each against the cache, then their cross-attention K/V. */
  complete(means: Float32Array, count: number): void {
    const { backend, config } = this.model;
    const { weights } = this.path;
    const pooled = backend.linear(f32([1, count, config.dToken], means), weights.upProj);
    this.appendCrossKv(backend.rmsNorm(this.backbone.append(pooled), weights.backboneNorm, config.normEps));
  }

  /** Cross-attention keys [1, 1 + count, Hkv, D]: the null concept, then each completed concept. */
  keys(): Tensor {
    return this.cross.keys();
  }

  values(): Tensor {
    return this.cross.values();
  }

  private appendCrossKv(concepts: Tensor): void {
    const { k, v } = this.path.crossAttention.keysValues(concepts);
    this.cross.append(k, v);
  }
}
