import type { DlcmConfig, StageConfig } from './config';

export interface DlcmFlopsOptions {
  /**
   * Realised tokens per concept (a positive number; e.g. the compression ratio R, or tokens /
   * concepts of a run). Ignored for a token-only config.
   */
  tokensPerConcept: number;
  /** Tokens in the sequence (a positive number). */
  sequenceLength: number;
}

/** Forward FLOPs per token, split by where they are spent. */
export interface DlcmFlops {
  /** tokenLevel + conceptLevel + lmHead. */
  total: number;
  /** Encoder and decoder blocks, the learned detector, the cross-attention's per-token part. */
  tokenLevel: number;
  /** Up-projection, backbone blocks and cross-attention K/V of one concept, over tokensPerConcept. */
  conceptLevel: number;
  lmHead: number;
}

/**
 * One causal block at width d with H heads, G KV heads, head dim e, FFN m, attending over c keys:
 *   2·d·H·e + 2·2·d·G·e + 2·H·e·d + 3·2·d·m + 2·2·H·e·c
 * (q, k + v, o projections, SwiGLU's three matrices, scores + weighted sum).
 */
function blockFlops(width: number, stage: StageConfig, context: number): number {
  const { numHeads: h, numKvHeads: g, headDim: e, intermediateSize: m } = stage;
  return (
    2 * width * h * e +
    2 * 2 * width * g * e +
    2 * h * e * width +
    3 * 2 * width * m +
    2 * 2 * h * e * context
  );
}

function stackFlops(width: number, stage: StageConfig, context: number): number {
  return stage.numLayers * blockFlops(width, stage, context);
}

/**
 * Inference FLOPs per processed (or generated) token of a DLCM, forward only, from the shapes alone.
 * A multiply-add counts 2; norms, RoPE, softmax, the embedding lookup, mean pooling and the
 * residual adds are ignored.
 *
 * - One causal block at width d with H heads, G KV heads, head dim e, FFN m, attending over c keys:
 *   `2·d·H·e + 2·2·d·G·e + 2·H·e·d + 3·2·d·m + 2·2·H·e·c`.
 * - Token context c_tok = (sequenceLength + 1) / 2 (the mean over the positions of a causal
 *   sequence); concepts per sequence C = sequenceLength / tokensPerConcept; concept context
 *   c_con = (C + 1) / 2.
 * - tokenLevel = the encoder's and the decoder's blocks at d_token with c_tok, + the learned
 *   detector `2·2·d_token·d_token` (0 for the rule detector), + the cross-attention per token
 *   `2·d_token·Hc·e + 2·Hc·e·d_token + 2·2·Hc·e·(c_con + 1)` (the + 1: the null concept).
 * - conceptLevel = (1 / tokensPerConcept) · [up-projection `2·d_token·d_concept` + the backbone's
 *   blocks at d_concept with c_con + the cross-attention's K/V projections `2·2·d_concept·Gc·e`].
 * - lmHead = `2·d_token·vocabSize`; total = tokenLevel + conceptLevel + lmHead.
 *
 * A token-only config has conceptLevel 0 and no detector or cross-attention terms.
 */
export function dlcmFlopsPerToken(config: DlcmConfig, options: DlcmFlopsOptions): DlcmFlops {
  const { tokensPerConcept, sequenceLength } = options;
  if (!(Number.isFinite(sequenceLength) && sequenceLength > 0)) {
    throw new RangeError(`sequenceLength must be a positive number, got ${sequenceLength}`);
  }
  const d = config.dToken;
  const tokenContext = (sequenceLength + 1) / 2;
  let tokenLevel = stackFlops(d, config.encoder, tokenContext) + stackFlops(d, config.decoder, tokenContext);
  let conceptLevel = 0;
  const path = config.conceptPath;
  if (path) {
    if (!(Number.isFinite(tokensPerConcept) && tokensPerConcept > 0)) {
      throw new RangeError(`tokensPerConcept must be a positive number, got ${tokensPerConcept}`);
    }
    const conceptContext = (sequenceLength / tokensPerConcept + 1) / 2;
    const { numHeads: hc, numKvHeads: gc, headDim: e } = path.crossAttention;
    const detector = path.boundary.kind === 'learned' ? 2 * 2 * d * d : 0;
    const cross = 2 * d * hc * e + 2 * hc * e * d + 2 * 2 * hc * e * (conceptContext + 1);
    tokenLevel += detector + cross;
    const c = path.dConcept;
    conceptLevel =
      (2 * d * c + stackFlops(c, path.backbone, conceptContext) + 2 * 2 * c * gc * e) / tokensPerConcept;
  }
  const lmHead = 2 * d * config.vocabSize;
  return { total: tokenLevel + conceptLevel + lmHead, tokenLevel, conceptLevel, lmHead };
}
