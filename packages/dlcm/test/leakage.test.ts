import '@unmask/backend-ort';
import { f32Data, getBackend, i32, listBackends, mulberry32 } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { type DlcmConfig, type DlcmModel, replicatedMask, segmentBoundaries } from '../src';
import { futureInfluence, LENGTH, type Prediction, predict } from './leakage-check';
import { randomIds, tinyConfig, tinyModel } from './tiny';

/**
 * The leak the package avoids, kept here only to prove the test can fail: every token also sees the
 * concept of its own segment, whose mean pool holds the segment's later tokens.
 */
function predictLeaky(model: DlcmModel, ids: number[]): Prediction {
  const hidden = model.encode(i32([1, ids.length], ids));
  const segmentation = segmentBoundaries(model.detect(hidden).starts, 1, ids.length);
  const ownSegmentToo = replicatedMask(segmentation, (s, t) => s <= segmentation.segmentStarts[t]!);
  const logits = model.decode(hidden, model.concepts(hidden, segmentation), segmentation, ownSegmentToo);
  return { logits: f32Data(logits), starts: segmentation.starts };
}

function boundaryCount(model: DlcmModel, seed: number): number {
  const ids = randomIds(LENGTH, model.config.vocabSize, mulberry32(seed));
  return predict(model, ids).starts.reduce((a, b) => a + b, 0);
}

const detectors: [string, DlcmConfig][] = [
  ['learned detector', tinyConfig()],
  ['rule detector', tinyConfig({ conceptPath: { boundary: { kind: 'rule', tau: 0.45 } } })],
];

for (const backendName of listBackends()) {
  describe(`the prediction at t never sees tokens after t, on ${backendName}`, () => {
    const backend = getBackend(backendName);
    for (const [name, config] of detectors) {
      it(`${name}: logits at t and boundaries at <= t ignore tokens t+1..`, () => {
        const model = tinyModel(backend, config, 2);
        for (const seed of [1, 2]) {
          // The random weights must give several segments, or there would be nothing to leak.
          const boundaries = boundaryCount(model, seed);
          expect(boundaries).toBeGreaterThan(2);
          expect(boundaries).toBeLessThan(LENGTH - 2);
          const influence = futureInfluence(model, predict, seed);
          expect(influence.boundaries).toBe(false);
          // The pure-TS backend gives bit-identical rows; onnxruntime may pick kernels by shape.
          if (backendName === 'cpu') expect(influence.logits).toBe(0);
          else expect(influence.logits).toBeLessThan(1e-6);
        }
      });

      it(`${name}: the negative control, pooling the token's own segment, does leak`, () => {
        const model = tinyModel(backend, config, 2);
        expect(futureInfluence(model, predictLeaky, 1).logits).toBeGreaterThan(1e-3);
      });
    }
  });
}
