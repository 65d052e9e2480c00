import { cpuBackend, f32Data, i32, mulberry32 } from '@unmask/tensor';
import { type Parameter, Rng, Tape } from '@unmask/train';
import { describe, expect, it } from 'vitest';
import { type DlcmConfig, randomDlcmTensors, segmentBoundaries } from '../src';
import { accumulateDlcmGradients, DlcmTrainModel } from '../src/train';
import { randomIds, tinyConfig } from './tiny';
import { referenceDlcmLoss } from './train-reference';

/** A tiny model far from linear: random weights, norm weights 1 +- 0.3. */
function perturbedModel(config: DlcmConfig, seed: number): DlcmTrainModel {
  const model = DlcmTrainModel.fromTensors(config, randomDlcmTensors(config, seed));
  const random = mulberry32(seed + 100);
  for (const p of model.parameters) {
    if (p.kind === 'norm') for (let i = 0; i < p.data.length; i++) p.data[i] = 1 + 0.6 * (random() - 0.5);
  }
  return model;
}

const objective = (seed: number) => ({
  seqLen: 8,
  auxWeight: 0.7,
  temperature: 0.5,
  straightThrough: true,
  boundaryRng: new Rng(seed),
});

describe('the DLCM training loss gradient', () => {
  for (const [name, config] of [
    ['learned detector', tinyConfig()],
    [
      'rule detector, tied embeddings',
      tinyConfig({ conceptPath: { boundary: { kind: 'rule', tau: 0.3 } }, tiedEmbeddings: true }),
    ],
  ] as const) {
    it(`${name}: matches finite differences of the float64 reference along random directions`, () => {
      const model = perturbedModel(config, 3);
      const [batch, length] = [2, 8];
      const idsData = Int32Array.from(randomIds(batch * length, config.vocabSize, mulberry32(4)));
      const result = accumulateDlcmGradients(cpuBackend, model, [idsData], objective(9));
      const starts = result.starts![0]!;
      expect(starts.reduce((a, f) => a + f, 0)).toBeGreaterThan(2);
      const ids = i32([batch, length], idsData);
      const baseProbabilities = Float64Array.from(
        f32Data(model.forward(new Tape(cpuBackend, { grad: false }), ids, starts).probabilities!.value),
      );
      const reference = (h: number, direction: Map<string, Float64Array>) =>
        referenceDlcmLoss(
          config,
          new Map(
            model.parameters.map((p) => {
              const u = direction.get(p.name);
              return [
                p.name,
                { dims: p.value.dims, data: Float64Array.from(p.data, (v, i) => v + h * (u?.[i] ?? 0)) },
              ];
            }),
          ),
          {
            ids,
            segmentation: segmentBoundaries(starts, batch, length),
            rate: result.aux!.rate,
            auxWeight: 0.7,
            baseProbabilities,
          },
        );
      const atZero = reference(0, new Map());
      expect(Math.abs(result.crossEntropy - atZero.crossEntropy) / atZero.crossEntropy).toBeLessThan(1e-5);
      expect(Math.abs(result.loss - atZero.loss) / Math.abs(atZero.loss)).toBeLessThan(1e-5);

      const random = mulberry32(11);
      const groups: [string, (p: Parameter) => boolean][] = [
        ['every parameter', () => true],
        ['the boundary detector', (p) => p.name.startsWith('boundary.')],
        ['the encoder', (p) => p.name.startsWith('encoder.')],
        ['the concept side', (p) => /^(pool|backbone|null_concept|decoder\.cross_attn)/.test(p.name)],
      ];
      for (const [group, selects] of groups) {
        const chosen = model.parameters.filter(selects);
        if (chosen.length === 0) continue;
        const direction = new Map(
          chosen.map((p) => [p.name, Float64Array.from(p.data, () => 2 * random() - 1)]),
        );
        let analytic = 0;
        for (const p of chosen) {
          const g = f32Data(p.grad!);
          const u = direction.get(p.name)!;
          for (let i = 0; i < g.length; i++) analytic += g[i]! * u[i]!;
        }
        const h = 1e-5;
        const numeric = (reference(h, direction).loss - reference(-h, direction).loss) / (2 * h);
        const error = Math.abs(analytic - numeric) / Math.abs(numeric);
        if (process.env['GRAD_CHECK_REPORT']) console.log(name, group, { analytic, numeric, error });
        expect(Math.abs(numeric), group).toBeGreaterThan(1e-3);
        // Measured 4e-8 to 7e-7 (float32 through every op); a wrong term gives errors of order 1.
        expect(error, group).toBeLessThan(1e-5);
      }
    });
  }

  it('is the same for 2 micro-batches as for 1 batch of both (G and F over the whole step)', () => {
    const config = tinyConfig();
    const idsData = Int32Array.from(randomIds(4 * 8, config.vocabSize, mulberry32(5)));
    const run = (split: Int32Array[]) => {
      const model = perturbedModel(config, 7);
      const result = accumulateDlcmGradients(cpuBackend, model, split, objective(21));
      return { result, grads: new Map(model.parameters.map((p) => [p.name, f32Data(p.grad!)])) };
    };
    const whole = run([idsData]);
    const halves = run([idsData.subarray(0, 16), idsData.subarray(16)]);
    expect(halves.result.aux).toEqual(whole.result.aux);
    expect(Math.abs(halves.result.crossEntropy - whole.result.crossEntropy)).toBeLessThan(1e-6);
    let worst = 0;
    let largest = 0;
    for (const [name, g] of whole.grads) {
      const other = halves.grads.get(name)!;
      for (let i = 0; i < g.length; i++) {
        worst = Math.max(worst, Math.abs(g[i]! - other[i]!));
        largest = Math.max(largest, Math.abs(g[i]!));
      }
    }
    expect(worst / largest).toBeLessThan(1e-5);
    // Per-micro-batch L_aux (G and F of each half) would weight the detector differently.
    expect(whole.result.aux!.rate).not.toBe(0.5);
  });
});
