import { f32 } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** Norms below this count as this (as `Backend.cosineRows` does), so a zero row has cosine 0. */
const EPS = 1e-8;

/**
 * The boundary probability of a learned (or rule) boundary detector: for previous and current
 * [B, S, D], p [B, S] with p[b, 0] = 1 (a constant) and p[b, t] = (1 - cos(previous[b, t - 1],
 * current[b, t])) / 2, the cosine as `Backend.cosineRows` computes it. O(B S D) in TypeScript.
 * previous and current may be the same variable (the rule detector's cosine of adjacent states).
 * Backward, with n_a = max(|a|, eps): d cos / d a = b / (n_a n_b) - cos a / |a|^2 (the second term
 * only where |a| > eps), and dp = -dcos / 2.
 */
export function shiftedCosineProbabilities(tape: Tape, previous: Variable, current: Variable): Variable {
  const [batch, length, width] = current.dims as [number, number, number];
  if (previous.dims.length !== 3 || previous.dims.some((d, i) => d !== current.dims[i])) {
    throw new RangeError(
      `shiftedCosineProbabilities: previous [${previous.dims.join(', ')}] and current [${current.dims.join(', ')}] must be the same [B, S, D]`,
    );
  }
  const a = previous.value.data as Float32Array;
  const b = current.value.data as Float32Array;
  const pairs = batch * Math.max(0, length - 1);
  const cosines = new Float64Array(pairs);
  const normsA = new Float64Array(pairs);
  const normsB = new Float64Array(pairs);
  const probabilities = new Float32Array(batch * length);
  const pairStart = (pair: number) => {
    const row = Math.floor(pair / (length - 1));
    const t = 1 + (pair % (length - 1));
    return { p: row * length + t, a: (row * length + t - 1) * width, b: (row * length + t) * width };
  };
  for (let row = 0; row < batch; row++) probabilities[row * length] = 1;
  for (let pair = 0; pair < pairs; pair++) {
    const at = pairStart(pair);
    let dot = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < width; i++) {
      const x = a[at.a + i]!;
      const y = b[at.b + i]!;
      dot += x * y;
      aa += x * x;
      bb += y * y;
    }
    normsA[pair] = Math.sqrt(aa);
    normsB[pair] = Math.sqrt(bb);
    cosines[pair] = dot / (Math.max(normsA[pair]!, EPS) * Math.max(normsB[pair]!, EPS));
    probabilities[at.p] = (1 - Math.fround(cosines[pair]!)) / 2;
  }
  return tape.record(f32([batch, length], probabilities), [previous, current], (grad) => {
    const g = grad.data as Float32Array;
    const dA = new Float32Array(a.length);
    const dB = new Float32Array(b.length);
    for (let pair = 0; pair < pairs; pair++) {
      const at = pairStart(pair);
      const dCos = -g[at.p]! / 2;
      if (dCos === 0) continue;
      const na = normsA[pair]!;
      const nb = normsB[pair]!;
      const cos = cosines[pair]!;
      const inverse = 1 / (Math.max(na, EPS) * Math.max(nb, EPS));
      const selfA = na > EPS ? cos / (na * na) : 0;
      const selfB = nb > EPS ? cos / (nb * nb) : 0;
      for (let i = 0; i < width; i++) {
        const x = a[at.a + i]!;
        const y = b[at.b + i]!;
        dA[at.a + i]! += dCos * (y * inverse - x * selfA);
        dB[at.b + i]! += dCos * (x * inverse - y * selfB);
      }
    }
    if (previous.requiresGrad) previous.accumulate(f32(previous.dims, dA));
    if (current.requiresGrad) current.accumulate(f32(current.dims, dB));
  });
}
