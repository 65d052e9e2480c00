import type { Backend } from '@unmask/tensor';
import { crossEntropy } from './autograd/ops';
import { Tape } from './autograd/tape';
import type { LladaTrainModel } from './model/llada-model';
import { maskBatch, maskedLogits } from './objective/masked-diffusion';
import { Rng } from './random';

export interface ValidationResult {
  /** The training objective on the held-out sequences (sum of CE / t over masked tokens, per token). */
  loss: number;
  /** Mean cross-entropy of the masked tokens (nats). */
  maskedTokenLoss: number;
  maskedTokens: number;
}

/**
 * The objective on fixed held-out sequences (int32 [count * seqLen]) with masks drawn from a fresh RNG
 * seeded by `seed`: the same masks every time, so that passes at different steps compare.
 */
export function validate(
  backend: Backend,
  model: LladaTrainModel,
  sequences: Int32Array,
  options: { seqLen: number; microBatchSize: number; maskEps: number; seed: number },
): ValidationResult {
  const { seqLen, microBatchSize } = options;
  const count = sequences.length / seqLen;
  const rng = new Rng(options.seed);
  let weighted = 0;
  let crossEntropySum = 0;
  let maskedTokens = 0;
  for (let start = 0; start < count; start += microBatchSize) {
    const n = Math.min(microBatchSize, count - start);
    const clean = sequences.subarray(start * seqLen, (start + n) * seqLen);
    const masked = maskBatch(clean, n, seqLen, model.config.maskTokenId!, rng, {
      eps: options.maskEps,
      normaliser: count * seqLen,
    });
    if (masked.targets.length === 0) continue;
    const tape = new Tape(backend, { grad: false });
    const logits = maskedLogits(tape, model, masked);
    const ones = new Float32Array(masked.targets.length).fill(1);
    weighted += scalar(crossEntropy(tape, logits, masked.targets, masked.weights).value.data);
    crossEntropySum += scalar(crossEntropy(tape, logits, masked.targets, ones).value.data);
    maskedTokens += masked.targets.length;
  }
  return { loss: weighted, maskedTokenLoss: crossEntropySum / Math.max(1, maskedTokens), maskedTokens };
}

function scalar(data: unknown): number {
  return (data as Float32Array)[0]!;
}
