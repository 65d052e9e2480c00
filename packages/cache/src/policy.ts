import type { Tensor } from '@unmask/tensor';
import type { DiffusionLM } from '@unmask/transformer';
import type { FlopTally } from './meter';

/** A classifier-free-guidance branch: 'cond' sees the prompt, 'uncond' sees it masked out. */
export type Stream = 'cond' | 'uncond';

/** What a policy learns once per request, before the first step. */
export interface CacheRequest {
  promptLength: number;
  /** Prompt plus response: the canvas length of every step. */
  totalLength: number;
}

/** Where the sampler is when it asks for logits. */
export interface StepContext {
  /** 0-based denoising step of the request (FLOPs are charged to it). */
  step: number;
  /** The block being denoised, absolute positions [blockStart, blockEnd) (the whole response when there are no blocks). */
  blockStart: number;
  blockEnd: number;
  /** Guidance stream of a one-row call; default 'cond'. */
  stream?: Stream;
}

/** Canvas rows [start, end). */
export interface RowRange {
  start: number;
  end: number;
}

/**
 * How logits are computed for a canvas at a step: which rows of which layer are recomputed and
 * what is reused. A policy runs the model through its stages (`embed`, `blocks[i]`, `finalNorm`,
 * `lmHead`); a model family never knows which policy runs it.
 */
export interface CachePolicy {
  readonly name: string;
  /**
   * How the sampler runs classifier-free guidance with this policy: 'batched' = one call with ids
   * [2, S] (conditional row first); 'per-stream' = two one-row calls, `stream` 'cond' then 'uncond',
   * each with its own cached state.
   */
  readonly guidance: 'batched' | 'per-stream';
  /** FLOPs executed since the last `reset`, per step and in total. */
  readonly flops: FlopTally;
  /** Starts a request: forgets every cached feature and the FLOP counts. */
  reset(request: CacheRequest): void;
  /** Logits [B, rows.end - rows.start, V] (raw, unshifted) of the canvas ids int32 [B, S]; rows default to all. */
  logits(model: DiffusionLM, ids: Tensor, step: StepContext, rows?: RowRange): Tensor;
}
