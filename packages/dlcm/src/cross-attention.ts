import { type Backend, reshape, type Tensor } from '@unmask/tensor';
import type { CrossAttentionConfig } from './config';
import type { CrossAttentionWeights } from './weights';

/**
 * The decoder's attention from tokens to concepts. Queries come from the RMS-normed token stream,
 * keys and values from concept states (already normed by the backbone); q and k are RMS-normed per
 * head (QK-norm). No RoPE: which concepts a token sees is the mask's business alone.
 */
export class ConceptCrossAttention {
  constructor(
    private readonly backend: Backend,
    private readonly weights: CrossAttentionWeights,
    private readonly config: CrossAttentionConfig,
    private readonly normEps: number,
  ) {}

  /** Token queries: hidden [B, S, d_token] -> [B, S, H, D]. */
  queries(hidden: Tensor): Tensor {
    const { backend, weights: w, config } = this;
    const [b, s] = hidden.dims as [number, number];
    const h = backend.rmsNorm(hidden, w.norm, this.normEps);
    const q = reshape(backend.linear(h, w.q), [b, s, config.numHeads, config.headDim]);
    return backend.rmsNorm(q, w.qNorm, this.normEps);
  }

  /** Concept keys and values: concepts [B, C, d_concept] -> k, v [B, C, Hkv, D]. */
  keysValues(concepts: Tensor): { k: Tensor; v: Tensor } {
    const { backend, weights: w, config } = this;
    const [b, c] = concepts.dims as [number, number];
    const dims = [b, c, config.numKvHeads, config.headDim];
    const k = backend.rmsNorm(reshape(backend.linear(concepts, w.k), dims), w.kNorm, this.normEps);
    return { k, v: reshape(backend.linear(concepts, w.v), dims) };
  }

  /** Attention of queries q [B, S, H, D] over k, v [B, K, Hkv, D] under mask bool [B, S, K], through o_proj: [B, S, d_token]. */
  attend(q: Tensor, k: Tensor, v: Tensor, mask: Tensor): Tensor {
    return this.output(this.backend.attention(q, k, v, { mask }));
  }

  /** The output projection of attended heads [B, S, H, D] -> [B, S, d_token]. */
  output(attended: Tensor): Tensor {
    const [b, s] = attended.dims as [number, number];
    const width = this.config.numHeads * this.config.headDim;
    return this.backend.linear(reshape(attended, [b, s, width]), this.weights.out);
  }
}
