import { type Backend, i32, ShapeError, type Tensor } from '@unmask/tensor';
import { TransformerBlock } from './block';
import type { ModelConfig } from './config';
import type { ModelFamily } from './family';
import type { ModelWeights } from './weights';

export interface ForwardOptions {
  /** int32 [S]: each token's position for RoPE; default 0..S-1. */
  positions?: Tensor;
  /** An attention mask as `Backend.attention` takes it (bool: true = attend), shared by every layer. */
  mask?: Tensor;
  /**
   * Called with the official `output_hidden_states` entries: 0 the token embeddings, j in 1..L-1
   * the output of layer j-1, L the final-norm output.
   */
  onHiddenState?: (index: number, hidden: Tensor) => void;
}

/** A loaded diffusion LM: token embedding, blocks with cache-friendly stages, final norm and LM head. */
export class DiffusionLM {
  readonly blocks: TransformerBlock[];

  constructor(
    readonly backend: Backend,
    readonly family: ModelFamily,
    readonly config: ModelConfig,
    readonly weights: ModelWeights,
  ) {
    this.blocks = weights.blocks.map((w) => new TransformerBlock(backend, w, config));
  }

  /** The same weights running on another backend (e.g. one that counts FLOPs); shares every tensor. */
  withBackend(backend: Backend): DiffusionLM {
    return new DiffusionLM(backend, this.family, this.config, this.weights);
  }

  /** Number of weight values held (a tied head counted once). */
  get parameterCount(): number {
    const { embedding, finalNorm, lmHead, blocks } = this.weights;
    let n = embedding.size + finalNorm.size + (lmHead === embedding ? 0 : lmHead.size);
    for (const block of blocks)
      for (const w of Object.values(block)) n += (w as Tensor | undefined)?.size ?? 0;
    return n;
  }

  /** Width of the logits (the LM head's rows; may exceed the tokenizer's vocabulary). */
  get logitsWidth(): number {
    return this.weights.lmHead.dims[0]!;
  }

  /** Token embeddings of ids int32 [B, S] -> [B, S, W]. */
  embed(ids: Tensor): Tensor {
    return this.backend.embedding(ids, this.weights.embedding);
  }

  /** Final norm of residual rows x [B, R, W]. */
  finalNorm(x: Tensor): Tensor {
    return this.backend.rmsNorm(x, this.weights.finalNorm, this.config.normEps);
  }

  /** Logits of normed rows [B, R, W] -> [B, R, V]. */
  lmHead(normed: Tensor): Tensor {
    return this.backend.linear(normed, this.weights.lmHead);
  }

  /** Raw logits of every position, ids int32 [B, S] -> [B, S, V] (Dream's are not shifted). */
  forward(ids: Tensor, options: ForwardOptions = {}): Tensor {
    if (ids.dims.length !== 2 || ids.type !== 'int32') {
      throw new ShapeError('forward', 'ids must be int32 [B, S]', { ids: ids.dims });
    }
    const seq = ids.dims[1]!;
    if (seq > this.config.maxPositions) {
      throw new ShapeError(
        'forward',
        `sequence of ${seq} exceeds the model's ${this.config.maxPositions} positions`,
        {
          ids: ids.dims,
        },
      );
    }
    const positions =
      options.positions ??
      i32(
        [seq],
        Array.from({ length: seq }, (_, i) => i),
      );
    const report = options.onHiddenState;
    let x = this.embed(ids);
    this.blocks.forEach((block, i) => {
      report?.(i, x);
      x = block.forward(x, positions, options.mask);
    });
    const normed = this.finalNorm(x);
    report?.(this.blocks.length, normed);
    return this.lmHead(normed);
  }
}
