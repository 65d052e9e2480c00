import { f32, f32Data, type Tensor } from '@unmask/tensor';
import type { ConceptCrossAttention } from './cross-attention';
import type { Segmentation } from './segmentation';

/**
 * The plain reference for the decoder's cross-attention, with no replication and no mask: token t
 * of segment j attends, head by head in explicit loops, to the null concept and concepts 0..j-1.
 * hidden [B, S, d_token]; concepts [B, 1 + C, d_concept] with the null concept first. Returns
 * [B, S, d_token]. Slow; for tests.
 */
export function raggedCrossAttention(
  cross: ConceptCrossAttention,
  hidden: Tensor,
  concepts: Tensor,
  segmentation: Segmentation,
): Tensor {
  const q = cross.queries(hidden);
  const { k, v } = cross.keysValues(concepts);
  const [batch, length, heads, dim] = q.dims as [number, number, number, number];
  const [, rows, kvHeads] = k.dims as [number, number, number];
  const qd = f32Data(q);
  const kd = f32Data(k);
  const vd = f32Data(v);
  const out = new Float32Array(qd.length);
  const scale = 1 / Math.sqrt(dim);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < length; t++) {
      const seen = 1 + segmentation.segmentIds[b * length + t]!;
      for (let h = 0; h < heads; h++) {
        const kvHead = Math.floor(h / (heads / kvHeads));
        const qAt = ((b * length + t) * heads + h) * dim;
        const kvAt = (c: number) => ((b * rows + c) * kvHeads + kvHead) * dim;
        const scores = Array.from({ length: seen }, (_, c) => {
          let dot = 0;
          for (let d = 0; d < dim; d++) dot += qd[qAt + d]! * kd[kvAt(c) + d]!;
          return dot * scale;
        });
        const top = Math.max(...scores);
        const weights = scores.map((s) => Math.exp(s - top));
        const total = weights.reduce((a, w) => a + w, 0);
        weights.forEach((w, c) => {
          for (let d = 0; d < dim; d++) out[qAt + d]! += (w / total) * vd[kvAt(c) + d]!;
        });
      }
    }
  }
  return cross.output(f32([batch, length, heads, dim], out));
}
