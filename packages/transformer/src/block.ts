import { type Backend, reshape, ShapeError, type Tensor } from '@unmask/tensor';
import type { ModelConfig } from './config';
import type { BlockWeights } from './weights';

/** q, k, v of some rows: q [B, R, Hq, D] and k [B, R, Hkv, D] rotated at the rows' positions; v [B, R, Hkv, D]. */
export interface Projection {
  q: Tensor;
  k: Tensor;
  v: Tensor;
}

/**
 * A pre-norm LLaMA-style block (RMSNorm, RoPE, grouped-query attention, SwiGLU), exposed as stages
 * so a cache policy can run each one on a subset of rows:
 *   h = attnNorm(x); {q,k,v} = project(h, positions); a = attend(q, K, V)   (attention output)
 *   x' = x + a;      m = mlp(x')                                            (FFN output)
 *   out = x' + m
 * Every stage takes [B, R, ...] tensors for any row subset R; attention is bidirectional unless a
 * mask says otherwise.
 */
export class TransformerBlock {
  constructor(
    private readonly backend: Backend,
    readonly weights: BlockWeights,
    private readonly config: ModelConfig,
  ) {}

  /** The attention input: RMSNorm of the residual stream. x [B, R, W]. */
  attnNorm(x: Tensor): Tensor {
    return this.backend.rmsNorm(x, this.weights.attnNorm, this.config.normEps);
  }

  /** Q, K, V of normed rows h [B, R, W] at positions int32 [R]. */
  project(h: Tensor, positions: Tensor): Projection {
    return { ...this.projectQK(h, positions), v: this.projectV(h) };
  }

  /** Q and K alone, rotated at positions int32 [R] (for rows whose V is already known). */
  projectQK(h: Tensor, positions: Tensor): Omit<Projection, 'v'> {
    return { q: this.projectQ(h, positions), k: this.projectK(h, positions) };
  }

  /** Q alone, rotated at positions int32 [R]: [B, R, Hq, D] (rows that attend, but whose K/V are known). */
  projectQ(h: Tensor, positions: Tensor): Tensor {
    const { backend, weights: w, config } = this;
    const [b, r] = h.dims as [number, number];
    const q = reshape(backend.linear(h, w.q, w.qBias), [b, r, config.numHeads, config.headDim]);
    return backend.rope(q, positions, config.ropeTheta);
  }

  /** K alone, rotated at positions int32 [R]: [B, R, Hkv, D] (rows that are attended to, but need no output). */
  projectK(h: Tensor, positions: Tensor): Tensor {
    const { backend, weights: w, config } = this;
    const [b, r] = h.dims as [number, number];
    const k = reshape(backend.linear(h, w.k, w.kBias), [b, r, config.numKvHeads, config.headDim]);
    return backend.rope(k, positions, config.ropeTheta);
  }

  /** V alone (cheap; what dLLM-Cache's V-verify compares). h [B, R, W] -> [B, R, Hkv, D]. */
  projectV(h: Tensor): Tensor {
    const [b, r] = h.dims as [number, number];
    const v = this.backend.linear(h, this.weights.v, this.weights.vBias);
    return reshape(v, [b, r, this.config.numKvHeads, this.config.headDim]);
  }

  /** Attention of queries q [B, R, Hq, D] over keys/values [B, S, Hkv, D], through the output projection: [B, R, W]. */
  attend(q: Tensor, k: Tensor, v: Tensor, mask?: Tensor): Tensor {
    const [b, r] = q.dims as [number, number];
    const attended = this.backend.attention(q, k, v, mask ? { mask } : {});
    return this.backend.linear(
      reshape(attended, [b, r, this.config.numHeads * this.config.headDim]),
      this.weights.out,
    );
  }

  /**
   * `attend` for K/V kept head-major, k and v [B, Hkv, S, D]: a layout a cache updates row by row
   * and attention reads without a copy (token-major K/V are transposed inside every attention
   * call, which dominates when few queries attend to many keys). q [B, R, Hq, D] -> [B, R, W].
   */
  attendHeadMajor(q: Tensor, k: Tensor, v: Tensor): Tensor {
    const { numKvHeads, headDim } = this.config;
    const [b, r] = q.dims as [number, number];
    if ([k, v].some((t) => t.dims.length !== 4 || t.dims[1] !== numKvHeads || t.dims[3] !== headDim)) {
      throw new ShapeError('attendHeadMajor', `k and v must be [B, ${numKvHeads}, S, ${headDim}]`, {
        q: q.dims,
        k: k.dims,
        v: v.dims,
      });
    }
    const attended = this.backend.attention(q, k, v, { kvHeadMajor: true });
    return this.backend.linear(
      reshape(attended, [b, r, this.config.numHeads * this.config.headDim]),
      this.weights.out,
    );
  }

  /** The FFN output (its own norm included) for residual rows x [B, R, W]. */
  mlp(x: Tensor): Tensor {
    const { backend, weights: w } = this;
    const h = backend.rmsNorm(x, w.ffNorm, this.config.normEps);
    return backend.linear(backend.swiglu(backend.linear(h, w.gate), backend.linear(h, w.up)), w.down);
  }

  /** The whole block over every row. */
  forward(x: Tensor, positions: Tensor, mask?: Tensor): Tensor {
    const { q, k, v } = this.project(this.attnNorm(x), positions);
    const afterAttention = this.backend.add(x, this.attend(q, k, v, mask));
    return this.backend.add(afterAttention, this.mlp(afterAttention));
  }
}
