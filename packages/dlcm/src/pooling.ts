import { type Backend, f32, f32Data, type Tensor } from '@unmask/tensor';
import { maxSegments, type Segmentation } from './segmentation';

/** Mean of each segment's rows: hidden [B, S, D] -> [B, C, D], C the most segments of any row; missing segments are zero rows. */
export function meanPoolSegments(hidden: Tensor, segmentation: Segmentation): Tensor {
  const [batch, length, width] = hidden.dims as [number, number, number];
  const concepts = maxSegments(segmentation);
  const src = f32Data(hidden);
  const out = new Float32Array(batch * concepts * width);
  const sizes = new Float32Array(batch * concepts);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < length; t++) {
      const row = b * concepts + segmentation.segmentIds[b * length + t]!;
      sizes[row]!++;
      const from = (b * length + t) * width;
      for (let d = 0; d < width; d++) out[row * width + d]! += src[from + d]!;
    }
  }
  for (let row = 0; row < batch * concepts; row++) {
    const size = sizes[row]!;
    if (size > 1) for (let d = 0; d < width; d++) out[row * width + d]! /= size;
  }
  return f32([batch, concepts, width], out);
}

/** Concept inputs: each segment's mean encoder state projected up by W_up, [B, S, d_token] -> [B, C, d_concept]. */
export function poolConcepts(
  backend: Backend,
  hidden: Tensor,
  segmentation: Segmentation,
  upProj: Tensor,
): Tensor {
  return backend.linear(meanPoolSegments(hidden, segmentation), upProj);
}
