import { type Backend, i32 } from '@unmask/tensor';
import { ops, Tape } from '@unmask/train';
import type { DlcmTrainModel } from './model';
import { nextTokenTargets } from './next-token';

export interface DlcmValidationResult {
  /** Mean next-token cross-entropy in bits. */
  bitsPerToken: number;
  /** Tokens per concept under the inference rule (p >= 0.5, or p > tau); NaN for a token-only model. */
  tokensPerConcept: number;
  predictedTokens: number;
}

/**
 * Held-out sequences (int32 [count * seqLen]) as inference runs them: boundaries by the detector's
 * inference rule, next-token cross-entropy averaged over every predicted token.
 */
export function validateDlcm(
  backend: Backend,
  model: DlcmTrainModel,
  sequences: Int32Array,
  options: { seqLen: number; microBatchSize: number },
): DlcmValidationResult {
  const { seqLen, microBatchSize } = options;
  const count = sequences.length / seqLen;
  let nats = 0;
  let boundaries = 0;
  for (let start = 0; start < count; start += microBatchSize) {
    const n = Math.min(microBatchSize, count - start);
    const data = sequences.subarray(start * seqLen, (start + n) * seqLen);
    const ids = i32([n, seqLen], data);
    const starts = model.config.conceptPath
      ? model.decide(backend, model.probabilities(backend, ids), seqLen)
      : undefined;
    const targets = nextTokenTargets(data, n, seqLen, 1);
    const tape = new Tape(backend, { grad: false });
    const logits = model.forward(tape, ids, starts, { rows: targets.rows }).logits;
    nats += (ops.crossEntropy(tape, logits, targets.targets, targets.weights).value.data as Float32Array)[0]!;
    boundaries += starts?.reduce((a, flag) => a + flag, 0) ?? 0;
  }
  const predictedTokens = count * (seqLen - 1);
  return {
    bitsPerToken: nats / predictedTokens / Math.LN2,
    tokensPerConcept: model.config.conceptPath ? (count * seqLen) / Math.max(1, boundaries) : Number.NaN,
    predictedTokens,
  };
}
