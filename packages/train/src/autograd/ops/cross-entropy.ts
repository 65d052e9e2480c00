import { f32 } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/**
 * sum_i weights[i] * (-log softmax(logits[i])[targets[i]]) over the rows of logits [R, V]: a scalar.
 * (Select the rows upstream with `gatherRows`, so the LM head runs on them only.) The backend computes
 * the log-softmax; the gradient is weights[i] * (softmax(logits[i]) - onehot(targets[i])).
 */
export function crossEntropy(
  tape: Tape,
  logits: Variable,
  targets: Int32Array,
  weights: Float32Array,
): Variable {
  const [rows, vocab] = logits.dims as [number, number];
  if (targets.length !== rows || weights.length !== rows) {
    throw new RangeError(`crossEntropy: ${rows} rows, ${targets.length} targets, ${weights.length} weights`);
  }
  const logProbs = tape.backend.logSoftmax(logits.value).data as Float32Array;
  let loss = 0;
  for (let r = 0; r < rows; r++) loss -= weights[r]! * logProbs[r * vocab + targets[r]!]!;
  return tape.record(f32([], [loss]), [logits], (grad) => {
    const scale = (grad.data as Float32Array)[0]!;
    const out = new Float32Array(rows * vocab);
    for (let r = 0; r < rows; r++) {
      const w = scale * weights[r]!;
      for (let j = 0; j < vocab; j++) out[r * vocab + j] = w * Math.exp(logProbs[r * vocab + j]!);
      out[r * vocab + targets[r]!]! -= w;
    }
    logits.accumulate(f32(logits.dims, out));
  });
}
