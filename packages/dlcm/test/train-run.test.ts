import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend, f32, f32Data, i32 } from '@unmask/tensor';
import { Rng, Tape, TRAINING_LOG_FILE } from '@unmask/train';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDlcm } from '../src';
import {
  DLCM_TRAINING_RUN_FILE,
  type DlcmStepResult,
  type DlcmTrainEvent,
  DlcmTrainModel,
  GroupedAdamW,
  mupMultiplier,
  resolveDlcmTrainConfig,
  trainDlcm,
} from '../src/train';
import { forwardWithConcepts, maxAbsDiff, tinyConfig } from './tiny';

/** A repetitive toy corpus (as @unmask/train's tests use): a few sentences over and over. */
function toyCorpus(lines: number): string {
  const sentences = [
    'the cat sat on the mat.',
    'a dog ran to the park and back.',
    'she sells sea shells by the sea shore.',
    'to be, or not to be: that is the question.',
  ];
  return Array.from({ length: lines }, (_, i) => `${sentences[i % sentences.length]} (${i % 7})\n`).join('');
}

/** Tokens per concept pooled over steps: tokens / boundaries = 1 / mean(F) (every step has as many tokens). */
const pooledTokensPerConcept = (steps: DlcmStepResult[]) =>
  steps.length / steps.reduce((sum, s) => sum + 1 / s.tokensPerConcept, 0);
const meanCrossEntropy = (steps: DlcmStepResult[]) =>
  steps.reduce((sum, s) => sum + s.crossEntropy, 0) / steps.length;

describe('trainDlcm', () => {
  const root = mkdtempSync(join(tmpdir(), 'unmask-dlcm-train-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const text = toyCorpus(200);
  const chars = [...new Set(text)].sort();
  const tokens = Int32Array.from(text, (c) => chars.indexOf(c));
  const model = tinyConfig({ vocabSize: chars.length, eosTokenId: undefined, padTokenId: undefined });

  it('drives the realised tokens per concept from ~2 to R = 4, for the inference rule too, and lowers the CE (60 steps)', async () => {
    const events: DlcmTrainEvent[] = [];
    const outDir = join(root, 'tokens');
    const result = await trainDlcm({
      tokens,
      outDir,
      model,
      config: {
        seqLen: 24,
        batchSize: 8,
        microBatchSize: 4,
        steps: 60,
        peakLr: 1e-2,
        warmupSteps: 5,
        auxWeight: 1,
        initStd: 0.1,
        evalEvery: 30,
        evalSequences: 8,
        checkpointEvery: 0,
        seed: 1,
      },
      backend: cpuBackend,
      onEvent: (e) => events.push(e),
    });
    const { steps } = result;
    if (process.env['DLCM_TRAIN_REPORT']) {
      console.log(
        steps
          .map((s, i) => `${i + 1} ce=${s.crossEntropy.toFixed(3)} tpc=${s.tokensPerConcept.toFixed(2)}`)
          .join('\n'),
      );
    }
    // Random boundary projections start p_t near 0.5: about 2 tokens per concept.
    const start = pooledTokensPerConcept(steps.slice(0, 3));
    expect(start).toBeLessThan(2.5);
    // Each step samples 192 boundaries: at F = 1/4 one step's 1/F has a std of ~0.5 tokens, the
    // pooled value over 20 steps ~0.12. Measured 3.9; 0.5 leaves 4 of those stds and sits far
    // from the start's distance of 2.
    const end = pooledTokensPerConcept(steps.slice(-20));
    expect(Math.abs(end - 4)).toBeLessThan(0.5);
    expect(meanCrossEntropy(steps.slice(-10))).toBeLessThan(0.6 * meanCrossEntropy(steps.slice(0, 3)));
    // The inference rule p >= 0.5 on the trained model compresses as training did (at the default
    // sharpening; with T = 0.5 it gave 9.6). 32 windows, ~190 concepts: 1/F within about +-0.3.
    const windows = i32([32, 24], tokens.subarray(0, 32 * 24));
    const decided = result.model.decide(cpuBackend, result.model.probabilities(cpuBackend, windows), 24);
    const inferenceTokensPerConcept = decided.length / decided.reduce((n, flag) => n + flag, 0);
    expect(Math.abs(inferenceTokensPerConcept - 4)).toBeLessThan(1);

    expect(events.map((e) => e.type).filter((t) => t !== 'step')).toEqual([
      'start',
      'validation',
      'validation',
      'checkpoint',
    ]);
    expect(result.validation.bitsPerToken).toBeLessThan(meanCrossEntropy(steps.slice(0, 3)) / Math.LN2);

    // training_log.jsonl holds every step and validation as the result and the events report them.
    const lines = readFileSync(join(outDir, TRAINING_LOG_FILE), 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { type: string; step: number; crossEntropy?: number; bitsPerToken?: number },
      );
    const logged = lines.filter((l) => l.type === 'step');
    expect(logged.map((l) => l.step)).toEqual(steps.map((_, i) => i + 1));
    expect(logged.map((l) => l.crossEntropy)).toEqual(steps.map((s) => s.crossEntropy));
    const validations = lines.filter((l) => l.type === 'validation');
    expect(validations.map((l) => l.step)).toEqual([30, 60]);
    expect(validations.at(-1)!.bitsPerToken).toBe(result.validation.bitsPerToken);

    // The checkpoint loads for inference and runs as the trained model does.
    expect(existsSync(join(outDir, DLCM_TRAINING_RUN_FILE))).toBe(true);
    const loaded = loadDlcm(outDir, { backend: cpuBackend });
    const ids = i32([2, 24], tokens.subarray(100, 148));
    const expected = forwardWithConcepts(loaded, ids);
    const trained = result.model;
    const starts = trained.decide(cpuBackend, trained.probabilities(cpuBackend, ids), 24);
    expect(Array.from(starts)).toEqual(Array.from(expected.segmentation.starts));
    const logits = trained.forward(new Tape(cpuBackend, { grad: false }), ids, starts).logits;
    expect(maxAbsDiff(f32Data(logits.value), f32Data(expected.logits))).toBeLessThan(1e-5);
  });

  it('learns a BPE tokenizer from a data file and writes it beside the checkpoint', async () => {
    const dataFile = join(root, 'corpus.txt');
    writeFileSync(dataFile, toyCorpus(120));
    const outDir = join(root, 'file');
    const result = await trainDlcm({
      dataFile,
      outDir,
      model: tinyConfig({ vocabSize: 280 }),
      config: {
        seqLen: 12,
        batchSize: 2,
        microBatchSize: 2,
        steps: 2,
        warmupSteps: 1,
        evalSequences: 2,
        evalEvery: 0,
      },
      backend: cpuBackend,
    });
    for (const file of ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'model.safetensors']) {
      expect(existsSync(join(outDir, file)), file).toBe(true);
    }
    const loaded = loadDlcm(outDir, { backend: cpuBackend });
    expect(loaded.config.vocabSize).toBe(result.modelConfig.vocabSize);
    expect(loaded.config.eosTokenId).toBe(result.modelConfig.eosTokenId);
    await expect(trainDlcm({ outDir, model, backend: cpuBackend })).rejects.toThrow(
      /exactly one of dataFile and tokens/,
    );
    await expect(
      trainDlcm({ tokens: Int32Array.of(0, 99), outDir, model, backend: cpuBackend }),
    ).rejects.toThrow(/token 99 at 1 is outside the vocabulary of/);
  });
});

describe('decoupled muP learning rates', () => {
  it('scale every matrix by base width / its input width and keep vectors at the base rate', () => {
    const config = tinyConfig(); // d_token 16, d_concept 24, backbone FFN 48
    const model = DlcmTrainModel.initialize(config, new Rng(1));
    const byName = new Map(model.parameters.map((p) => [p.name, p]));
    const multiplier = (name: string) => mupMultiplier(byName.get(name)!, 16);
    expect(multiplier('encoder.layers.0.attn.q_proj.weight')).toBe(1);
    expect(multiplier('backbone.layers.0.attn.q_proj.weight')).toBeCloseTo(16 / 24, 12);
    expect(multiplier('backbone.layers.1.ffn.down_proj.weight')).toBeCloseTo(16 / 48, 12);
    expect(multiplier('decoder.cross_attn.k_proj.weight')).toBeCloseTo(16 / 24, 12);
    for (const vector of ['embed_tokens.weight', 'null_concept', 'backbone.norm.weight']) {
      expect(multiplier(vector), vector).toBe(1);
    }

    // Adam's first step moves every weight by about its group's rate (m^ / sqrt(v^) = sign(g)).
    const optimizer = new GroupedAdamW(
      model.parameters,
      resolveDlcmTrainConfig({ mupBaseWidth: 16, weightDecay: 0 }),
    );
    const before = new Map(model.parameters.map((p) => [p.name, Float32Array.from(p.data)]));
    for (const p of model.parameters) p.accumulate(f32(p.value.dims, new Float32Array(p.value.size).fill(1)));
    optimizer.update(0.01);
    for (const name of [
      'encoder.layers.0.attn.q_proj.weight',
      'backbone.layers.0.attn.q_proj.weight',
      'null_concept',
    ]) {
      const moved = before.get(name)![0]! - byName.get(name)!.data[0]!;
      expect(moved, name).toBeCloseTo(0.01 * multiplier(name), 6);
    }
  });

  it('is off by default, and bad settings are refused by name', () => {
    expect(resolveDlcmTrainConfig().mupBaseWidth).toBeNull();
    expect(() => resolveDlcmTrainConfig({ batchSize: 6, microBatchSize: 4 })).toThrow(
      /batchSize 6 is not a multiple of microBatchSize 4/,
    );
    expect(() => resolveDlcmTrainConfig({ lambda: 1 } as never)).toThrow(
      /unknown DLCM training settings: lambda/,
    );
    expect(() => resolveDlcmTrainConfig({ mupBaseWidth: 0 })).toThrow(
      /mupBaseWidth must be positive or null, got 0/,
    );
  });
});
