import { cpuBackend } from '@unmask/tensor';
import { refLogSoftmax } from '@unmask/tensor/conformance';
import { describe, expect, it } from 'vitest';
import {
  AdamW,
  LladaTrainModel,
  maskBatch,
  maskedDiffusionLoss,
  Rng,
  resolveTrainConfig,
  Tape,
  TokenWindows,
  trainStep,
  validate,
} from '../src';
import { tinyConfig, toyCorpus } from './fixtures';

describe('maskBatch (the forward process)', () => {
  it('masks each sequence at its own rate t in [eps, 1) and weights masked tokens by 1 / (t B L)', () => {
    const [batch, seq, maskId] = [400, 64, 99];
    const clean = Int32Array.from({ length: batch * seq }, (_, i) => i % 50);
    const masked = maskBatch(clean, batch, seq, maskId, new Rng(3));
    const noisy = masked.noisy.data as Int32Array;
    const isMasked = new Uint8Array(batch * seq);
    for (const row of masked.rows.data as Int32Array) isMasked[row] = 1;
    expect(masked.targets).toEqual(Int32Array.from(masked.rows.data as Int32Array, (row) => clean[row]!));
    expect(noisy.every((id, i) => id === (isMasked[i] ? maskId : clean[i]))).toBe(true);
    // 1/weight = t B L: one value per sequence, t >= eps.
    const rates = new Map<number, number>();
    let bad = 0;
    (masked.rows.data as Int32Array).forEach((row, i) => {
      const t = 1 / (masked.weights[i]! * batch * seq);
      const b = Math.floor(row / seq);
      if (t < 1e-3 - 1e-9 || t >= 1 || Math.abs(t - (rates.get(b) ?? t)) > 1e-5) bad++;
      rates.set(b, t);
    });
    expect(bad).toBe(0);
    // E[t] = 1/2, so about half of all tokens are masked.
    expect(masked.targets.length / (batch * seq)).toBeGreaterThan(0.45);
    expect(masked.targets.length / (batch * seq)).toBeLessThan(0.55);
  });

  it('gives the LLaDA loss: sum over masked tokens of CE / t, divided by B * L', () => {
    const config = tinyConfig();
    const model = LladaTrainModel.initialize(config, new Rng(5), 0.3);
    const [batch, seq] = [3, 8];
    const rng = new Rng(9);
    const clean = Int32Array.from({ length: batch * seq }, () => rng.int(11));
    const masked = maskBatch(clean, batch, seq, config.maskTokenId!, rng);
    const tape = new Tape(cpuBackend, { grad: false });
    const loss = (maskedDiffusionLoss(tape, model, masked).value.data as Float32Array)[0]!;

    const logits = model.forward(tape, masked.noisy).value;
    const logProbs = refLogSoftmax(logits).data;
    const noisy = masked.noisy.data as Int32Array;
    let expected = 0;
    for (let b = 0; b < batch; b++) {
      const row = masked.rows.data.findIndex((r) => Math.floor((r as number) / seq) === b);
      if (row < 0) continue;
      const t = 1 / (masked.weights[row]! * batch * seq);
      for (let s = 0; s < seq; s++) {
        const i = b * seq + s;
        if (noisy[i] === config.maskTokenId) expected -= logProbs[i * config.vocabSize + clean[i]!]! / t;
      }
    }
    expect(loss).toBeCloseTo(expected / (batch * seq), 5);
  });
});

describe('training a tiny model', () => {
  it('lowers the held-out masked-token loss within a few dozen steps on a repetitive corpus', () => {
    const text = toyCorpus(200);
    const chars = [...new Set(text)];
    const tokens = Int32Array.from(text, (c) => chars.indexOf(c));
    const config = resolveTrainConfig({
      model: { hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 4, intermediateSize: 64 },
      seqLen: 32,
      batchSize: 8,
      microBatchSize: 4,
      steps: 40,
      warmupSteps: 5,
      peakLr: 1e-2,
    });
    const modelConfig = tinyConfig({
      hiddenSize: 32,
      numHeads: 4,
      numKvHeads: 4,
      intermediateSize: 64,
      vocabSize: chars.length + 1,
      maskTokenId: chars.length,
      eosTokenId: undefined,
    });
    const model = LladaTrainModel.initialize(modelConfig, new Rng(1));
    const windows = new TokenWindows(tokens, config.seqLen);
    const held = windows.evenlySpaced(16);
    const evaluate = () =>
      validate(cpuBackend, model, held, { seqLen: 32, microBatchSize: 8, maskEps: 1e-3, seed: 1 })
        .maskedTokenLoss;
    const before = evaluate();
    const ctx = {
      backend: cpuBackend,
      model,
      optimizer: new AdamW(model.parameters),
      config,
      windows,
      dataRng: new Rng(2),
      maskRng: new Rng(3),
    };
    const losses = Array.from({ length: config.steps }, (_, step) => trainStep(ctx, step).loss);
    const after = evaluate();
    if (process.env['GRAD_CHECK_REPORT']) console.log({ before, after, losses });
    expect(before).toBeGreaterThan(Math.log(chars.length) - 0.3);
    expect(after).toBeLessThan(before - 0.3);
  });
});
