import { type Backend, bool, i32, reshape, type Tensor } from '@unmask/tensor';
import type { Segmentation } from './segmentation';

/**
 * Concept replication: concept rows [B, 1 + C, ...] (the null concept first, then the backbone's
 * concepts) laid out along the tokens as [B, 1 + S, ...]: key 0 is the null concept and key 1 + s
 * is the concept of token s's segment. Cross-attention then needs only an ordinary length-aligned
 * mask (`completedConceptMask`).
 */
export function replicateConcepts(backend: Backend, concepts: Tensor, segmentation: Segmentation): Tensor {
  const [batch, rows, ...rest] = concepts.dims as [number, number, ...number[]];
  const width = rest.reduce((a, b) => a * b, 1);
  const picks = replicatedRowIndices(segmentation, rows);
  const gathered = backend.gatherRows(reshape(concepts, [batch * rows, width]), picks);
  return reshape(gathered, [batch, 1 + segmentation.length, ...rest]);
}

/**
 * The rows `replicateConcepts` picks from concepts flattened to [B * rows, ...] (rows = 1 + C per
 * batch, the null concept first): int32 [B * (1 + S)].
 */
export function replicatedRowIndices(segmentation: Segmentation, rows: number): Tensor {
  const { batch, length, segmentIds } = segmentation;
  const picks = new Int32Array(batch * (1 + length));
  for (let b = 0; b < batch; b++) {
    picks[b * (1 + length)] = b * rows;
    for (let s = 0; s < length; s++)
      picks[b * (1 + length) + 1 + s] = b * rows + 1 + segmentIds[b * length + s]!;
  }
  return i32([picks.length], picks);
}

/**
 * The leak-free visibility over replicated keys, bool [B, S, 1 + S]: every token sees the null
 * concept (key 0), and token t sees key 1 + s exactly when s is the first token of a segment that
 * ends before t's own segment starts. So each completed concept is seen once, however many tokens
 * it spans (no length bias), and a concept holding token t or a later one is never seen.
 */
export function completedConceptMask(segmentation: Segmentation): Tensor {
  return replicatedMask(
    segmentation,
    (s, t, b) => s < segmentation.segmentStarts[b * segmentation.length + t]!,
  );
}

/**
 * A mask over replicated keys from a rule on (segment start s, token t, row b); keys that start no
 * segment are never visible, the null concept always is.
 */
export function replicatedMask(
  segmentation: Segmentation,
  visible: (segmentStart: number, token: number, row: number) => boolean,
): Tensor {
  const { batch, length, starts } = segmentation;
  const keys = 1 + length;
  const data = new Uint8Array(batch * length * keys);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < length; t++) {
      const row = (b * length + t) * keys;
      data[row] = 1;
      for (let s = 0; s < length; s++) {
        if (starts[b * length + s] === 1 && visible(s, t, b)) data[row + 1 + s] = 1;
      }
    }
  }
  return bool([batch, length, keys], data);
}
