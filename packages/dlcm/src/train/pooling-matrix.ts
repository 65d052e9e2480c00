import { f32, type Tensor } from '@unmask/tensor';
import { maxSegments, type Segmentation } from '../segmentation';

/**
 * Segment mean-pooling as a constant matrix, float32 [B, C, S] (C the most segments of any row):
 * entry (b, j, t) is 1 / |segment j| when token t is in segment j of row b, else 0. Times encoder
 * states [B, S, D] it gives `meanPoolSegments` (missing segments are zero rows), and the matmul's
 * backward spreads each concept's gradient evenly over its tokens.
 */
export function segmentPoolingMatrix(segmentation: Segmentation): Tensor {
  const { batch, length, segmentIds } = segmentation;
  const concepts = maxSegments(segmentation);
  const sizes = new Int32Array(batch * concepts);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < length; t++) sizes[b * concepts + segmentIds[b * length + t]!]!++;
  }
  const data = new Float32Array(batch * concepts * length);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < length; t++) {
      const segment = b * concepts + segmentIds[b * length + t]!;
      data[segment * length + t] = 1 / sizes[segment]!;
    }
  }
  return f32([batch, concepts, length], data);
}
