import { f32, type Tensor } from '@unmask/tensor';
import { fromHeads, toHeads, transposeLast2 } from '../layout';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/**
 * Multi-head attention with grouped KV heads under a boolean mask, as `Backend.attention` with a bool
 * `mask`: q [B, Sq, Hq, D]; k, v [B, Sk, Hkv, D]; mask bool [Sq, Sk] (every batch) or [B, Sq, Sk],
 * nonzero = attend. Returns [B, Sq, Hq, D]; a query that sees no key gets 0 (and no gradient).
 * The score and value products run on the backend; the masked softmax and its Jacobian
 * (dS = P * (dP - rowsum(dO * O)), masked entries have P = 0) are O(Sq * Sk) per head in TypeScript.
 */
export function maskedAttention(
  tape: Tape,
  q: Variable,
  k: Variable,
  v: Variable,
  mask: Tensor,
  scale?: number,
): Variable {
  const { backend } = tape;
  const [b, sq, hq, d] = q.dims as [number, number, number, number];
  const [, sk, hkv] = k.dims as [number, number, number];
  checkMask(mask, b, sq, sk);
  const factor = scale ?? 1 / Math.sqrt(d);
  const qh = toHeads(q.value, hq, factor);
  const kh = toHeads(k.value, hq);
  const vh = toHeads(v.value, hq);
  const scores = backend.matmul(qh, kh, { transposeB: true });
  const probs = f32(scores.dims, maskedSoftmax(scores.data as Float32Array, mask, b, hq, sq, sk));
  const oh = backend.matmul(probs, vh);
  return tape.record(fromHeads(oh, b, hq), [q, k, v], (grad) => {
    const gh = toHeads(grad, hq);
    if (v.requiresGrad) v.accumulate(fromHeads(backend.matmul(transposeLast2(probs), gh), b, hkv));
    if (!q.requiresGrad && !k.requiresGrad) return;
    const dp = backend.matmul(gh, vh, { transposeB: true }).data as Float32Array;
    const ds = f32(
      probs.dims,
      softmaxBackward(
        probs.data as Float32Array,
        dp,
        gh.data as Float32Array,
        oh.data as Float32Array,
        sk,
        d,
      ),
    );
    if (q.requiresGrad) q.accumulate(fromHeads(backend.matmul(ds, kh), b, hq, factor));
    if (k.requiresGrad) k.accumulate(fromHeads(backend.matmul(transposeLast2(ds), qh), b, hkv));
  });
}

function checkMask(mask: Tensor, b: number, sq: number, sk: number): void {
  const dims = mask.dims;
  const shared = dims.length === 2 && dims[0] === sq && dims[1] === sk;
  const batched = dims.length === 3 && dims[0] === b && dims[1] === sq && dims[2] === sk;
  if (mask.type !== 'bool' || !(shared || batched)) {
    throw new RangeError(
      `maskedAttention: mask must be bool [${sq}, ${sk}] or [${b}, ${sq}, ${sk}], got ${mask.type} [${dims.join(', ')}]`,
    );
  }
}

/** Softmax of each head-major score row [B * H, Sq, Sk] over its visible keys; hidden keys get 0. */
function maskedSoftmax(
  scores: Float32Array,
  mask: Tensor,
  b: number,
  heads: number,
  sq: number,
  sk: number,
): Float32Array {
  const visible = mask.data as Uint8Array;
  const batched = mask.dims.length === 3;
  const out = new Float32Array(scores.length);
  for (let bh = 0; bh < b * heads; bh++) {
    const maskBase = batched ? Math.floor(bh / heads) * sq * sk : 0;
    for (let i = 0; i < sq; i++) {
      const row = (bh * sq + i) * sk;
      const maskRow = maskBase + i * sk;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < sk; j++) if (visible[maskRow + j] !== 0) max = Math.max(max, scores[row + j]!);
      if (max === Number.NEGATIVE_INFINITY) continue;
      let total = 0;
      for (let j = 0; j < sk; j++) {
        if (visible[maskRow + j] === 0) continue;
        const w = Math.exp(scores[row + j]! - max);
        out[row + j] = w;
        total += w;
      }
      for (let j = 0; j < sk; j++) out[row + j]! /= total;
    }
  }
  return out;
}

/** dS = P * (dP - c) per row with c = sum_j P_j dP_j, computed as rowsum(dO * O) (O = P V). */
function softmaxBackward(
  p: Float32Array,
  dp: Float32Array,
  dO: Float32Array,
  o: Float32Array,
  sk: number,
  d: number,
): Float32Array {
  const out = new Float32Array(p.length);
  const rows = p.length / sk;
  for (let row = 0; row < rows; row++) {
    let c = 0;
    for (let i = 0; i < d; i++) c += dO[row * d + i]! * o[row * d + i]!;
    const start = row * sk;
    for (let j = 0; j < sk; j++) out[start + j] = p[start + j]! * (dp[start + j]! - c);
  }
  return out;
}
