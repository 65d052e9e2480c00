import type { CachePolicy } from '@unmask/cache';

/** Options every sampler takes. */
export interface SamplerOptions {
  /** Response length in tokens (Dream's `max_new_tokens`). */
  genLength: number;
  /** Denoising steps; unused with `threshold`, where the number of steps follows from the confidences. */
  steps?: number;
  /** A cache policy object, or a policy name with its default options; default 'none'. */
  policy?: CachePolicy | string;
  /** Seed of every random draw (Gumbel noise, random remasking, sampling); default 0. */
  seed?: number;
  /** Sampling temperature; default 0 (greedy, no randomness). */
  temperature?: number;
  /** Parallel decoding: commit every masked token whose confidence reaches this (at least one per step). */
  threshold?: number;
  /** Overrides the model config's mask token id. */
  maskTokenId?: number;
}
