import { f32 } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/**
 * H-Net's straight-through confidence weighting: each row x_r of x [..., R, D] (R rows in all) times
 * STE(c_r) = c_r + stopgrad(1 - c_r), where c_r = p_r for a row whose decision is 1 and 1 - p_r for
 * one whose decision is 0 (p [R], decisions [R] of 0/1). The value is x itself, exactly; the backward
 * pass sends dx = g to x and d c_r = <g_r, x_r> to the confidence, i.e. dp_r = +-<g_r, x_r>: the main
 * loss rewards the probabilities of the discrete decisions that the rows' values helped.
 */
export function straightThroughConfidence(
  tape: Tape,
  x: Variable,
  probabilities: Variable,
  decisions: Uint8Array,
): Variable {
  const rows = probabilities.value.size;
  const width = x.value.size / rows;
  if (decisions.length !== rows || !Number.isInteger(width)) {
    throw new RangeError(
      `straightThroughConfidence: x [${x.dims.join(', ')}] is not ${rows} rows, or ${decisions.length} decisions for ${rows} probabilities`,
    );
  }
  return tape.record(x.value, [x, probabilities], (grad) => {
    if (x.requiresGrad) x.accumulate(grad);
    if (!probabilities.requiresGrad) return;
    const g = grad.data as Float32Array;
    const values = x.value.data as Float32Array;
    const dp = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      for (let i = r * width; i < (r + 1) * width; i++) dot += g[i]! * values[i]!;
      dp[r] = decisions[r] === 1 ? dot : -dot;
    }
    probabilities.accumulate(f32(probabilities.dims, dp));
  });
}
