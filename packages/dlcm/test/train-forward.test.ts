import { cpuBackend, f32Data, i32, mulberry32 } from '@unmask/tensor';
import { Tape } from '@unmask/train';
import { describe, expect, it } from 'vitest';
import { type DlcmConfig, DlcmModel, dlcmWeightsFromTensors, randomDlcmTensors } from '../src';
import { DlcmTrainModel } from '../src/train';
import { forwardWithConcepts, maxAbsDiff, randomIds, tinyConfig } from './tiny';

function bothModels(config: DlcmConfig, seed: number) {
  const tensors = randomDlcmTensors(config, seed);
  return {
    inference: new DlcmModel(cpuBackend, config, dlcmWeightsFromTensors(tensors, config)),
    training: DlcmTrainModel.fromTensors(config, tensors),
  };
}

describe('DlcmTrainModel forward equals DlcmModel forward on the same weights', () => {
  const cases: [string, DlcmConfig][] = [
    ['learned detector', tinyConfig()],
    [
      'rule detector, tied embeddings',
      tinyConfig({ conceptPath: { boundary: { kind: 'rule', tau: 0.3 } }, tiedEmbeddings: true }),
    ],
  ];
  for (const [name, config] of cases) {
    it(`${name}: logits, p_t and boundaries (p >= 0.5 forced) within 1e-5`, () => {
      const { inference, training } = bothModels(config, 5);
      const random = mulberry32(8);
      const ids = i32([3, 12], randomIds(36, config.vocabSize, random));
      const expected = forwardWithConcepts(inference, ids);
      const tape = new Tape(cpuBackend, { grad: false });
      const decided = training.decide(cpuBackend, training.probabilities(cpuBackend, ids), 12);
      expect(Array.from(decided)).toEqual(Array.from(expected.segmentation.starts));
      const out = training.forward(tape, ids, decided);
      expect(out.logits.dims).toEqual([3, 12, config.vocabSize]);
      expect(maxAbsDiff(f32Data(out.logits.value), f32Data(expected.logits))).toBeLessThan(1e-5);
      expect(maxAbsDiff(f32Data(out.probabilities!.value), expected.probabilities)).toBeLessThan(1e-6);
      expect(new Set(expected.segmentation.counts).size).toBeGreaterThan(1);
    });
  }

  it('with the LM head on selected rows only, gives those rows of the full logits', () => {
    const config = tinyConfig();
    const { training } = bothModels(config, 6);
    const ids = i32([2, 8], randomIds(16, config.vocabSize, mulberry32(2)));
    const starts = Uint8Array.from([1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0]);
    const tape = new Tape(cpuBackend, { grad: false });
    const full = f32Data(training.forward(tape, ids, starts).logits.value);
    const picked = f32Data(training.forward(tape, ids, starts, { rows: i32([2], [3, 9]) }).logits.value);
    const v = config.vocabSize;
    expect(Array.from(picked)).toEqual([...full.subarray(3 * v, 4 * v), ...full.subarray(9 * v, 10 * v)]);
  });
});
