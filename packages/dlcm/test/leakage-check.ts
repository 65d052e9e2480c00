import { f32Data, i32, mulberry32 } from '@unmask/tensor';
import type { DlcmModel } from '../src';
import { maxAbsDiff, randomIds } from './tiny';

export const LENGTH = 14;

export interface Prediction {
  logits: Float32Array;
  starts: Uint8Array;
}

export function predict(model: DlcmModel, ids: number[]): Prediction {
  const out = model.forward(i32([1, ids.length], ids));
  // A token-only model has no boundaries: none to move.
  return { logits: f32Data(out.logits), starts: out.segmentation?.starts ?? new Uint8Array(ids.length) };
}

/** The largest change of the logits at t (and whether a boundary at <= t moved) when tokens t+1.. change. */
export function futureInfluence(
  model: DlcmModel,
  run: (model: DlcmModel, ids: number[]) => Prediction,
  seed: number,
): { logits: number; boundaries: boolean } {
  const vocab = model.config.vocabSize;
  const random = mulberry32(seed);
  const ids = randomIds(LENGTH, vocab, random);
  const base = run(model, ids);
  let worst = 0;
  let boundariesMoved = false;
  for (let t = 0; t < LENGTH - 1; t++) {
    const changed = ids.map((id, i) => (i <= t ? id : (id + 1 + Math.floor(random() * (vocab - 1))) % vocab));
    const other = run(model, changed);
    const row = (p: Prediction) => p.logits.subarray(t * vocab, (t + 1) * vocab);
    worst = Math.max(worst, maxAbsDiff(row(base), row(other)));
    if (maxAbsDiff(base.starts.subarray(0, t + 1), other.starts.subarray(0, t + 1)) !== 0)
      boundariesMoved = true;
  }
  return { logits: worst, boundaries: boundariesMoved };
}
