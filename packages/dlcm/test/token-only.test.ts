import '@unmask/backend-ort';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bool,
  cpuBackend,
  f32Data,
  getBackend,
  i32,
  listBackends,
  mulberry32,
  type Tensor,
} from '@unmask/tensor';
import { Rng, Tape, TRAINING_LOG_FILE } from '@unmask/train';
import { TransformerBlock } from '@unmask/transformer';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CONCEPT_PATH_FIELDS,
  conceptSegments,
  DlcmConfigError,
  DlcmModel,
  DlcmSession,
  dlcmConfigJson,
  dlcmTensorShapes,
  dlcmWeightsFromTensors,
  generateDlcm,
  loadDlcm,
  NoConceptPathError,
  parseDlcmConfig,
  randomDlcmTensors,
  stageModelConfig,
  tinyDlcmConfig,
  tinyTokenOnlyConfig,
  writeDlcmCheckpoint,
} from '../src';
import { accumulateDlcmGradients, DlcmTrainModel, trainDlcm } from '../src/train';
import { futureInfluence, predict } from './leakage-check';
import { maxAbsDiff, randomIds, tinyModel } from './tiny';
import { referenceTokenOnlyLogits } from './train-reference';

const root = mkdtempSync(join(tmpdir(), 'dlcm-token-only-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('token-only config.json', () => {
  it('round-trips with "token_only": true and no concept field', () => {
    for (const tiedEmbeddings of [false, true]) {
      const config = tinyTokenOnlyConfig({ tiedEmbeddings });
      const json = dlcmConfigJson(config);
      expect(json['token_only']).toBe(true);
      for (const field of CONCEPT_PATH_FIELDS) expect(json, field).not.toHaveProperty(field);
      expect(parseDlcmConfig(json, 'x')).toEqual(config);
    }
  });

  it('a DLCM config writes no token_only key and reads "token_only": false as a DLCM', () => {
    const json = dlcmConfigJson(tinyDlcmConfig());
    expect(json).not.toHaveProperty('token_only');
    expect(parseDlcmConfig({ ...json, token_only: false }, 'x')).toEqual(tinyDlcmConfig());
  });

  const dlcmJson = dlcmConfigJson(tinyDlcmConfig());
  for (const field of CONCEPT_PATH_FIELDS) {
    it(`refuses '${field}' beside "token_only": true, naming it`, () => {
      const raw = { ...dlcmConfigJson(tinyTokenOnlyConfig()), [field]: dlcmJson[field] };
      const parse = () => parseDlcmConfig(raw, 'config.json');
      expect(parse).toThrow(DlcmConfigError);
      expect(parse).toThrow(`config.json: '${field}' must be absent when token_only is true, got `);
    });
  }

  it('refuses missing layers and a non-boolean token_only', () => {
    const raw = dlcmConfigJson(tinyTokenOnlyConfig());
    expect(() =>
      parseDlcmConfig({ ...raw, decoder: { num_heads: 2, intermediate_size: 8 } }, 'c.json'),
    ).toThrow(/c\.json: 'decoder\.num_layers' must be a positive integer, got nothing/);
    const { encoder: _, ...noEncoder } = raw;
    expect(() => parseDlcmConfig(noEncoder, 'c.json')).toThrow(/'encoder' must be an object, got nothing/);
    expect(() => parseDlcmConfig({ ...raw, token_only: 'yes' }, 'c.json')).toThrow(
      /'token_only' must be true or false, got "yes"/,
    );
  });
});

describe('token-only checkpoint', () => {
  it('holds the embedding, encoder, decoder, final norm and head only', () => {
    const config = tinyTokenOnlyConfig();
    const names = [...dlcmTensorShapes(config).keys()];
    expect(names.filter((n) => !/^(encoder|decoder)\.layers\.\d+\./.test(n))).toEqual([
      'embed_tokens.weight',
      'decoder.norm.weight',
      'lm_head.weight',
    ]);
    expect(names.length).toBe(9 * 2 + 3);
  });

  it('writes and loads back to the same model', () => {
    const config = tinyTokenOnlyConfig();
    const dir = join(root, 'roundtrip');
    writeDlcmCheckpoint(dir, config, randomDlcmTensors(config, 7));
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))['token_only']).toBe(true);
    const loaded = loadDlcm(dir, { backend: cpuBackend });
    expect(loaded.config).toEqual(config);
    expect(loaded.conceptPath).toBeUndefined();
    expect(loaded.weights.conceptPath).toBeUndefined();
    const ids = i32([1, 6], [3, 9, 27, 4, 4, 11]);
    const out = loaded.forward(ids);
    expect([out.probabilities, out.segmentation, out.concepts]).toEqual([undefined, undefined, undefined]);
    expect(Array.from(f32Data(out.logits))).toEqual(
      Array.from(f32Data(tinyModel(cpuBackend, config, 7).forward(ids).logits)),
    );
  });

  it('refuses concept-path tensors as unexpected', () => {
    const tensors = randomDlcmTensors(tinyDlcmConfig(), 1);
    expect(() => dlcmWeightsFromTensors(tensors, tinyTokenOnlyConfig())).toThrow(
      /unexpected tensor 'backbone\.layers\.0\.attn_norm\.weight' \(a token-only config has no concept path\)/,
    );
    const only = randomDlcmTensors(tinyTokenOnlyConfig(), 1);
    only.set('null_concept', tensors.get('null_concept')!);
    expect(() => dlcmWeightsFromTensors(only, tinyTokenOnlyConfig())).toThrow(
      /unexpected tensor 'null_concept'/,
    );
  });

  it('the concept-path stages raise a NoConceptPathError', () => {
    const model = tinyModel(cpuBackend, tinyTokenOnlyConfig(), 1);
    const hidden = model.encode(i32([1, 3], [1, 2, 3]));
    expect(() => model.detect(hidden)).toThrow(NoConceptPathError);
    expect(() => conceptSegments(model, [1, 2, 3])).toThrow(
      /token-only .* no concept path, so no concept segments/,
    );
  });
});

/** The token-only forward composed independently: `TransformerBlock`s of every layer in order, under a causal mask. */
function composedLogits(model: DlcmModel, ids: Tensor): Float32Array {
  const { backend, config, weights } = model;
  const length = ids.dims[1]!;
  const positions = i32(
    [length],
    Array.from({ length }, (_, i) => i),
  );
  const mask = bool(
    [length, length],
    Array.from({ length: length * length }, (_, i) => (i % length <= Math.floor(i / length) ? 1 : 0)),
  );
  let x = backend.embedding(ids, weights.embedding);
  for (const [stage, blocks] of [
    [config.encoder, weights.encoder],
    [config.decoder, weights.decoder],
  ] as const) {
    for (const w of blocks) {
      x = new TransformerBlock(backend, w, stageModelConfig(config, stage, config.dToken)).forward(
        x,
        positions,
        mask,
      );
    }
  }
  return f32Data(backend.linear(backend.rmsNorm(x, weights.decoderNorm, config.normEps), weights.lmHead));
}

for (const backendName of listBackends()) {
  const backend = getBackend(backendName);
  const expectClose = (diff: number) =>
    backendName === 'cpu' ? expect(diff).toBe(0) : expect(diff).toBeLessThan(1e-5);

  describe(`token-only inference, on ${backendName}`, () => {
    const config = tinyTokenOnlyConfig({ encoder: { ...tinyTokenOnlyConfig().encoder, numLayers: 2 } });
    const model = tinyModel(backend, config, 3);

    it('equals an independent composition of its blocks (TransformerBlocks under a causal mask)', () => {
      const ids = i32([2, 9], randomIds(18, config.vocabSize, mulberry32(4)));
      const logits = f32Data(model.forward(ids).logits);
      expectClose(maxAbsDiff(logits, composedLogits(model, ids)));
      // The same blocks in another order give other logits: the comparison can fail.
      const swapped = new DlcmModel(backend, config, {
        ...model.weights,
        encoder: [...model.weights.encoder].reverse(),
      });
      expect(maxAbsDiff(f32Data(swapped.forward(ids).logits), logits)).toBeGreaterThan(1e-3);
    });

    it('logits at t ignore tokens t+1..', () => {
      for (const seed of [1, 2]) {
        const influence = futureInfluence(model, predict, seed);
        expect(influence.boundaries).toBe(false);
        expectClose(influence.logits);
      }
    });

    it('a cached session (token by token and in prefill chunks) equals the full forward over every prefix', () => {
      const ids = randomIds(20, config.vocabSize, mulberry32(11));
      const vocab = config.vocabSize;
      const reference = ids.map((_, t) =>
        f32Data(model.forward(i32([1, t + 1], ids.slice(0, t + 1))).logits).slice(t * vocab),
      );
      const session = new DlcmSession(model);
      ids.forEach((id, t) => {
        const fed = session.feed([id]);
        expectClose(maxAbsDiff(fed.logits, reference[t]!));
        expect(fed.tokens).toEqual([
          { id, position: t, probability: undefined, startsConcept: false, conceptCount: 0 },
        ]);
      });
      expect([session.conceptCount, session.completedConceptCount]).toEqual([0, 0]);
      for (const chunks of [[20], [7, 1, 12]]) {
        const chunked = new DlcmSession(model);
        let at = 0;
        for (const size of chunks) {
          const fed = chunked.feed(ids.slice(at, at + size));
          at += size;
          expectClose(maxAbsDiff(fed.logits, reference[at - 1]!));
        }
      }
    });

    it('generation equals greedy decoding by full recompute', () => {
      const prompt = randomIds(5, config.vocabSize, mulberry32(13));
      const cached = generateDlcm(model, prompt, { maxNewTokens: 12, eosTokenId: null });
      const ids = [...prompt];
      for (let n = 0; n < 12; n++) {
        const logits = f32Data(model.forward(i32([1, ids.length], ids)).logits).slice(
          (ids.length - 1) * config.vocabSize,
        );
        ids.push(logits.indexOf(Math.max(...logits)));
      }
      expect(cached.ids).toEqual(ids.slice(5));
      expect(cached.events.every((e) => !e.startsConcept && e.conceptCount === 0)).toBe(true);
    });
  });
}

describe('token-only against the float64 reference', () => {
  it('logits within 1e-4 of the reference composition of the checkpoint tensors', () => {
    const config = tinyTokenOnlyConfig({ tiedEmbeddings: true });
    const tensors = randomDlcmTensors(config, 5);
    const model = new DlcmModel(cpuBackend, config, dlcmWeightsFromTensors(tensors, config));
    const ids = i32([2, 10], randomIds(20, config.vocabSize, mulberry32(6)));
    const reference = referenceTokenOnlyLogits(config, (name) => tensors.get(name)!, ids);
    expect(maxAbsDiff(f32Data(model.forward(ids).logits), reference.data)).toBeLessThan(1e-4);
  });
});

describe('token-only training', () => {
  it('DlcmTrainModel gives the inference logits; gradients are CE only (no aux, no boundaries)', () => {
    const config = tinyTokenOnlyConfig();
    const tensors = randomDlcmTensors(config, 5);
    const inference = new DlcmModel(cpuBackend, config, dlcmWeightsFromTensors(tensors, config));
    const training = DlcmTrainModel.fromTensors(config, tensors);
    const ids = i32([3, 12], randomIds(36, config.vocabSize, mulberry32(8)));
    const out = training.forward(new Tape(cpuBackend, { grad: false }), ids, undefined);
    expect([out.probabilities, out.segmentation]).toEqual([undefined, undefined]);
    expect(maxAbsDiff(f32Data(out.logits.value), f32Data(inference.forward(ids).logits))).toBeLessThan(1e-5);
    expect(() => training.probabilities(cpuBackend, ids)).toThrow(NoConceptPathError);

    const result = accumulateDlcmGradients(cpuBackend, training, [ids.data as Int32Array], {
      seqLen: 12,
      auxWeight: 1,
      temperature: 0.1,
      straightThrough: true,
      boundaryRng: new Rng(1),
    });
    expect([result.aux, result.starts]).toEqual([undefined, undefined]);
    expect(result.loss).toBe(result.crossEntropy);
    expect(training.parameters.every((p) => p.grad !== undefined)).toBe(true);
  });

  it('lowers the loss in a short run; the checkpoint loads as a token-only model', async () => {
    const text = 'the cat sat on the mat. a dog ran to the park. '.repeat(40);
    const chars = [...new Set(text)].sort();
    const tokens = Int32Array.from(text, (c) => chars.indexOf(c));
    const outDir = join(root, 'trained');
    const result = await trainDlcm({
      tokens,
      outDir,
      model: tinyTokenOnlyConfig({ vocabSize: chars.length, eosTokenId: undefined, padTokenId: undefined }),
      config: {
        seqLen: 16,
        batchSize: 4,
        microBatchSize: 2,
        steps: 30,
        peakLr: 1e-2,
        warmupSteps: 3,
        initStd: 0.1,
        evalEvery: 0,
        evalSequences: 4,
        checkpointEvery: 0,
        seed: 1,
      },
      backend: cpuBackend,
    });
    const { steps, validation } = result;
    for (const s of steps) {
      expect(s.auxLoss).toBe(0);
      expect(s.loss).toBe(s.crossEntropy);
      expect(s.tokensPerConcept).toBeNaN();
      expect(s.meanProbability).toBeNaN();
    }
    const mean = (xs: typeof steps) => xs.reduce((n, s) => n + s.crossEntropy, 0) / xs.length;
    expect(mean(steps.slice(-5))).toBeLessThan(0.7 * mean(steps.slice(0, 3)));
    expect(validation.tokensPerConcept).toBeNaN();
    expect(validation.bitsPerToken).toBeGreaterThan(0);
    expect(validation.bitsPerToken).toBeLessThan(mean(steps.slice(0, 3)) / Math.LN2);
    // Its log writes the NaN concept statistics as null.
    const lines = readFileSync(join(outDir, TRAINING_LOG_FILE), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(31);
    const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(last).toEqual({ type: 'validation', step: 30, ...validation, tokensPerConcept: null });

    const loaded = loadDlcm(outDir, { backend: cpuBackend });
    expect(loaded.conceptPath).toBeUndefined();
    const ids = i32([2, 16], tokens.subarray(50, 82));
    const trained = result.model.forward(new Tape(cpuBackend, { grad: false }), ids, undefined).logits;
    expect(maxAbsDiff(f32Data(trained.value), f32Data(loaded.forward(ids).logits))).toBeLessThan(1e-5);
  });
});
