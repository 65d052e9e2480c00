import { f32 } from '@unmask/tensor';
import { fromHeads, toHeads, transposeLast2 } from '../layout';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/**
 * Bidirectional multi-head attention with grouped KV heads, as `Backend.attention` without masks:
 * q [B, S, Hq, D]; k, v [B, S, Hkv, D]; returns [B, S, Hq, D]. Computed head-major so that the
 * probabilities P stay available for the backward pass:
 *   P = softmax(scale Q K^T), O = P V                      (backend matmuls and softmax)
 *   dV = P^T dO, dP = dO V^T                                 (backend matmuls)
 *   dS = P * (dP - rowsum(dO * O))                           (softmax Jacobian, O(S^2) per head)
 *   dQ = scale dS K, dK = dS^T (scale Q)                     (backend matmuls)
 * KV gradients of the query heads sharing a KV head are summed.
 */
export function attention(tape: Tape, q: Variable, k: Variable, v: Variable, scale?: number): Variable {
  const { backend } = tape;
  const [b, s, hq, d] = q.dims as [number, number, number, number];
  const hkv = k.dims[2]!;
  const factor = scale ?? 1 / Math.sqrt(d);
  const qh = toHeads(q.value, hq, factor);
  const kh = toHeads(k.value, hq);
  const vh = toHeads(v.value, hq);
  const probs = backend.softmax(backend.matmul(qh, kh, { transposeB: true }));
  const oh = backend.matmul(probs, vh);
  return tape.record(fromHeads(oh, b, hq), [q, k, v], (grad) => {
    const gh = toHeads(grad, hq);
    if (v.requiresGrad) v.accumulate(fromHeads(backend.matmul(transposeLast2(probs), gh), b, hkv));
    if (!q.requiresGrad && !k.requiresGrad) return;
    const dScores = softmaxBackward(
      probs.data as Float32Array,
      backend.matmul(gh, vh, { transposeB: true }).data as Float32Array,
      gh.data as Float32Array,
      oh.data as Float32Array,
      s,
      d,
    );
    const ds = f32(probs.dims, dScores);
    if (q.requiresGrad) q.accumulate(fromHeads(backend.matmul(ds, kh), b, hq, factor));
    if (k.requiresGrad) k.accumulate(fromHeads(backend.matmul(transposeLast2(ds), qh), b, hkv));
  });
}

/**
 * dS = P * (dP - c) per row, where c = sum_j P_j dP_j, computed as the equal rowsum(dO * O) (O = P V),
 * which costs D per row instead of S.
 */
function softmaxBackward(
  p: Float32Array,
  dp: Float32Array,
  dO: Float32Array,
  o: Float32Array,
  s: number,
  d: number,
): Float32Array {
  const out = new Float32Array(p.length);
  const rows = p.length / s;
  for (let row = 0; row < rows; row++) {
    let c = 0;
    for (let i = 0; i < d; i++) c += dO[row * d + i]! * o[row * d + i]!;
    const start = row * s;
    for (let j = 0; j < s; j++) out[start + j] = p[start + j]! * (dp[start + j]! - c);
  }
  return out;
}
