import type { Tensor } from 'onnxruntime-common';
import type { AttentionOptions } from '../backend';
import { attentionShape } from '../op-shapes';
import { f32, f32Data } from '../shape';

export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const { b, sq, sk, hq, hkv, d, scale, maskBatched, maskPerHead } = attentionShape(q, k, v, options);
  const { causal = false, mask, kvHeadMajor = false } = options;
  const kvStart = (batch: number, j: number, kvHead: number) =>
    (kvHeadMajor ? (batch * hkv + kvHead) * sk + j : (batch * sk + j) * hkv + kvHead) * d;
  const qs = f32Data(q);
  const ks = f32Data(k);
  const vs = f32Data(v);
  const boolMask = mask?.type === 'bool' ? (mask.data as Uint8Array) : undefined;
  const addMask = mask?.type === 'float32' ? (mask.data as Float32Array) : undefined;
  const group = hq / hkv;
  const result = f32(q.dims);
  const o = result.data as Float32Array;
  const scores = new Float64Array(sk);
  const acc = new Float64Array(d);

  for (let batch = 0; batch < b; batch++) {
    for (let h = 0; h < hq; h++) {
      const kvHead = Math.floor(h / group);
      const maskBase = ((maskBatched ? batch * (maskPerHead ? hq : 1) : 0) + (maskPerHead ? h : 0)) * sq * sk;
      for (let i = 0; i < sq; i++) {
        const qStart = ((batch * sq + i) * hq + h) * d;
        const maskRow = maskBase + i * sk;
        const lastVisible = causal ? i + sk - sq : sk - 1;
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < sk; j++) {
          if (j > lastVisible || (boolMask && boolMask[maskRow + j] === 0)) {
            scores[j] = Number.NEGATIVE_INFINITY;
            continue;
          }
          const kStart = kvStart(batch, j, kvHead);
          let dot = 0;
          for (let c = 0; c < d; c++) dot += qs[qStart + c]! * ks[kStart + c]!;
          const score = dot * scale + (addMask ? addMask[maskRow + j]! : 0);
          scores[j] = score;
          if (score > max) max = score;
        }
        // No visible key (or only -Infinity scores): the row's output stays 0.
        if (max === Number.NEGATIVE_INFINITY) continue;
        acc.fill(0);
        let sum = 0;
        for (let j = 0; j < sk; j++) {
          const w = Math.exp(scores[j]! - max);
          if (w === 0) continue;
          sum += w;
          const vStart = kvStart(batch, j, kvHead);
          for (let c = 0; c < d; c++) acc[c] = acc[c]! + w * vs[vStart + c]!;
        }
        for (let c = 0; c < d; c++) o[qStart + c] = acc[c]! / sum;
      }
    }
  }
  return result;
}
