import '@unmask/backend-ort';
import { f32, f32Data, getBackend, listBackends, mulberry32 } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { completedConceptMask, raggedCrossAttention, replicateConcepts, segmentBoundaries } from '../src';
import { maxAbsDiff, tinyConfig, tinyModel } from './tiny';

const BATCH = 2;
const LENGTH = 9;

function randomTensor(dims: number[], random: () => number) {
  const size = dims.reduce((a, b) => a * b, 1);
  return f32(
    dims,
    Float32Array.from({ length: size }, () => 2 * random() - 1),
  );
}

const patterns: [string, (random: () => number) => Uint8Array][] = [
  ['a boundary at every token', () => new Uint8Array(BATCH * LENGTH).fill(1)],
  [
    'a boundary at the first token only',
    () => Uint8Array.from({ length: BATCH * LENGTH }, (_, i) => (i % LENGTH === 0 ? 1 : 0)),
  ],
  [
    'random boundaries',
    (random) =>
      Uint8Array.from({ length: BATCH * LENGTH }, (_, i) => (i % LENGTH === 0 || random() < 0.4 ? 1 : 0)),
  ],
];

const configs = [
  ['grouped KV heads', tinyConfig()],
  [
    'one KV head, wide heads',
    tinyConfig({ conceptPath: { crossAttention: { numHeads: 2, numKvHeads: 1, headDim: 10 } } }),
  ],
] as const;

for (const backendName of listBackends()) {
  describe(`concept replication equals the ragged reference, on ${backendName}`, () => {
    const backend = getBackend(backendName);
    for (const [configName, config] of configs) {
      for (const [patternName, pattern] of patterns) {
        it(`${configName}, ${patternName}`, () => {
          const random = mulberry32(11);
          const model = tinyModel(backend, config, 5);
          const segmentation = segmentBoundaries(pattern(random), BATCH, LENGTH);
          const concepts = randomTensor(
            [BATCH, 1 + Math.max(...segmentation.counts), config.conceptPath!.dConcept],
            random,
          );
          const hidden = randomTensor([BATCH, LENGTH, config.dToken], random);
          const cross = model.conceptPath!.crossAttention;
          const { k, v } = cross.keysValues(concepts);
          const replicated = cross.attend(
            cross.queries(hidden),
            replicateConcepts(backend, k, segmentation),
            replicateConcepts(backend, v, segmentation),
            completedConceptMask(segmentation),
          );
          const ragged = raggedCrossAttention(cross, hidden, concepts, segmentation);
          expect(replicated.dims).toEqual([BATCH, LENGTH, config.dToken]);
          expect(maxAbsDiff(f32Data(replicated), f32Data(ragged))).toBeLessThan(1e-5);
        });
      }
    }
  });
}
