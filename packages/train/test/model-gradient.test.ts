import { cpuBackend, i32 } from '@unmask/tensor';
import {
  type RefInput,
  refAdd,
  refAttention,
  refEmbedding,
  refGatherRows,
  refLinear,
  refLogSoftmax,
  refRmsNorm,
  refRope,
  refSwiglu,
} from '@unmask/tensor/conformance';
import { llada, type ModelConfig } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { LladaTrainModel, type MaskedBatch, maskBatch, maskedDiffusionLoss, Rng, Tape } from '../src';
import { tinyConfig } from './fixtures';

/** The masked-diffusion loss of the LLaDA architecture composed from the float64 reference ops. */
function referenceLoss(config: ModelConfig, weights: Map<string, RefInput>, masked: MaskedBatch): number {
  const [b, s] = masked.noisy.dims as [number, number];
  const { hiddenSize: w, numHeads, numKvHeads, headDim, normEps, ropeTheta } = config;
  const names = llada.weightNames(config);
  const get = (name: string) => weights.get(name)!;
  const heads = (x: RefInput, h: number) => ({ dims: [b, s, h, headDim], data: x.data });
  const positions = i32(
    [s],
    Array.from({ length: s }, (_, i) => i),
  );
  let x: RefInput = refEmbedding(masked.noisy, get(names.embedding));
  for (let layer = 0; layer < config.numLayers; layer++) {
    const n = names.block(layer);
    const h = refRmsNorm(x, get(n.attnNorm), normEps);
    const q = refRope(heads(refLinear(h, get(n.q)), numHeads), positions, ropeTheta);
    const k = refRope(heads(refLinear(h, get(n.k)), numKvHeads), positions, ropeTheta);
    const v = heads(refLinear(h, get(n.v)), numKvHeads);
    const attended = refAttention(q, k, v);
    x = refAdd(x, refLinear({ dims: [b, s, numHeads * headDim], data: attended.data }, get(n.out)));
    const h2 = refRmsNorm(x, get(n.ffNorm), normEps);
    x = refAdd(x, refLinear(refSwiglu(refLinear(h2, get(n.gate)), refLinear(h2, get(n.up))), get(n.down)));
  }
  const normed = refRmsNorm(x, get(names.finalNorm), normEps);
  const rows = refGatherRows({ dims: [b * s, w], data: normed.data }, masked.rows);
  const logProbs = refLogSoftmax(refLinear(rows, get(names.lmHead!))).data;
  const vocab = config.vocabSize;
  let loss = 0;
  masked.targets.forEach((t, i) => {
    loss -= masked.weights[i]! * logProbs[i * vocab + t]!;
  });
  return loss;
}

describe('the whole model', () => {
  it('has the gradient of the float64 reference loss along a random direction (GQA, 2 layers)', () => {
    const config = tinyConfig();
    const rng = new Rng(7);
    // Larger than the training init so that attention and the FFN are far from linear.
    const model = LladaTrainModel.initialize(config, rng, 0.4);
    for (const p of model.parameters) {
      if (p.kind === 'norm') for (let i = 0; i < p.data.length; i++) p.data[i] = 1 + 0.3 * rng.normal();
    }
    const [batch, seq] = [2, 6];
    const clean = Int32Array.from({ length: batch * seq }, () => rng.int(config.vocabSize - 1));
    const masked = maskBatch(clean, batch, seq, config.maskTokenId!, rng, { eps: 0.5 });
    expect(masked.targets.length).toBeGreaterThan(2);

    const tape = new Tape(cpuBackend);
    const loss = maskedDiffusionLoss(tape, model, masked);
    tape.backward(loss);

    const direction = new Map(
      model.parameters.map((p) => [p.name, Float64Array.from(p.data, () => rng.next() * 2 - 1)]),
    );
    let analytic = 0;
    for (const p of model.parameters) {
      const g = p.grad!.data as Float32Array;
      const u = direction.get(p.name)!;
      for (let i = 0; i < g.length; i++) analytic += g[i]! * u[i]!;
    }
    const at = (h: number) =>
      referenceLoss(
        config,
        new Map(
          model.parameters.map((p) => {
            const u = direction.get(p.name)!;
            return [p.name, { dims: p.value.dims, data: Float64Array.from(p.data, (v, i) => v + h * u[i]!) }];
          }),
        ),
        masked,
      );
    const h = 1e-5;
    const numeric = (at(h) - at(-h)) / (2 * h);
    expect(Math.abs((loss.value.data as Float32Array)[0]! - at(0)) / at(0)).toBeLessThan(1e-5);
    // A sum over every parameter through many float32 ops (measured 3e-7): 1e-5, far below any real error.
    const error = Math.abs(analytic - numeric) / Math.abs(numeric);
    if (process.env['GRAD_CHECK_REPORT']) console.log('model directional', { analytic, numeric, error });
    expect(error).toBeLessThan(1e-5);
  });
});
