import { f32, i32, type Tensor } from '@unmask/tensor';
import { crossEntropy } from '../autograd/ops';
import type { Tape } from '../autograd/tape';
import type { Variable } from '../autograd/variable';
import type { LladaTrainModel } from '../model/llada-model';
import type { Rng } from '../random';

/** The masked-diffusion forward process applied to a batch of clean sequences. */
export interface MaskedBatch {
  /** int32 [B, S]: the clean ids with the masked positions replaced by the mask id. */
  noisy: Tensor;
  /** int32 [R]: the masked positions as flat indices b * S + s. */
  rows: Tensor;
  /** The clean ids at `rows`. */
  targets: Int32Array;
  /** 1 / (t_b * normaliser) per masked position: the objective's weights. */
  weights: Float32Array;
}

export interface MaskingOptions {
  /** Lower bound of the masking rate: t = (1 - eps) u + eps with u ~ U(0, 1). Default 1e-3. */
  eps?: number;
  /**
   * The loss is a sum over masked tokens divided by this; default the batch's own B * S. With gradient
   * accumulation, pass the whole step's tokens so that the micro-batch losses add up to the step's.
   */
  normaliser?: number;
}

/**
 * LLaDA pretraining's forward process (its `forward_process`, after SMDM): per sequence a masking rate
 * t = (1 - eps) u + eps, u ~ U(0, 1); each token masked independently with probability t.
 */
export function maskBatch(
  clean: Int32Array,
  batch: number,
  seq: number,
  maskId: number,
  rng: Rng,
  options: MaskingOptions = {},
): MaskedBatch {
  const eps = options.eps ?? 1e-3;
  const normaliser = options.normaliser ?? batch * seq;
  const noisy = Int32Array.from(clean);
  const rows: number[] = [];
  const weights: number[] = [];
  for (let b = 0; b < batch; b++) {
    const t = (1 - eps) * rng.next() + eps;
    for (let s = 0; s < seq; s++) {
      if (rng.next() >= t) continue;
      noisy[b * seq + s] = maskId;
      rows.push(b * seq + s);
      weights.push(1 / (t * normaliser));
    }
  }
  return {
    noisy: i32([batch, seq], noisy),
    rows: i32([rows.length], rows),
    targets: Int32Array.from(rows, (row) => clean[row]!),
    weights: Float32Array.from(weights),
  };
}

/** Logits [R, V] of the masked positions of a masked batch. */
export function maskedLogits(tape: Tape, model: LladaTrainModel, masked: MaskedBatch): Variable {
  return model.forward(tape, masked.noisy, masked.rows);
}

/**
 * The objective of LLaDA pretraining: sum over masked tokens of CE / t, divided by the normaliser
 * (B * S by default). A batch with no masked token has loss 0 and no gradient.
 */
export function maskedDiffusionLoss(tape: Tape, model: LladaTrainModel, masked: MaskedBatch): Variable {
  if (masked.targets.length === 0) return tape.constant(f32([], [0]));
  return crossEntropy(tape, maskedLogits(tape, model, masked), masked.targets, masked.weights);
}
