import '@unmask/backend-ort';
import { type Backend, f32, f32Data, getBackend, i32, listBackends, mulberry32 } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import {
  conceptSegments,
  type DlcmConfig,
  DlcmGenerationError,
  DlcmModel,
  DlcmSession,
  dlcmWeightsFromTensors,
  type FedToken,
  type GenerateDlcmOptions,
  generateDlcm,
  randomDlcmTensors,
  replicatedMask,
  tokenPicker,
} from '../src';
import { forwardWithConcepts, maxAbsDiff, randomIds, tinyConfig, tinyModel } from './tiny';

const LENGTH = 20;

/**
 * A learned detector whose p_t is pinned: every embedding gets +8 on dimension 0, so the encoder
 * states keep a large positive dimension 0, and Wq = e0 e0^T, Wk = +-e0 e0^T make
 * cos(q_{t-1}, k_t) = +1 (no boundary after the first) or -1 (a boundary at every token).
 */
function pinnedBoundaryModel(backend: Backend, boundaries: 'none' | 'every'): DlcmModel {
  const config = tinyConfig();
  const tensors = randomDlcmTensors(config, 5);
  const { vocabSize: vocab, dToken: width } = config;
  const embedding = f32Data(tensors.get('embed_tokens.weight')!).slice();
  for (let v = 0; v < vocab; v++) embedding[v * width]! += 8;
  tensors.set('embed_tokens.weight', f32([vocab, width], embedding));
  const projection = (sign: number) => {
    const w = new Float32Array(width * width);
    w[0] = sign;
    return f32([width, width], w);
  };
  tensors.set('boundary.q_proj.weight', projection(1));
  tensors.set('boundary.k_proj.weight', projection(boundaries === 'none' ? 1 : -1));
  return new DlcmModel(backend, config, dlcmWeightsFromTensors(tensors, config));
}

interface Case {
  name: string;
  model: (backend: Backend) => DlcmModel;
  /** Concepts over the LENGTH test tokens: 'one', 'all', or 'some' (more than 2, fewer than LENGTH - 2). */
  concepts: 'one' | 'some' | 'all';
}

const rule = (tau: number): DlcmConfig => tinyConfig({ conceptPath: { boundary: { kind: 'rule', tau } } });
const cases: Case[] = [
  { name: 'learned detector', model: (b) => tinyModel(b, tinyConfig(), 2), concepts: 'some' },
  { name: 'rule detector', model: (b) => tinyModel(b, rule(0.45), 2), concepts: 'some' },
  {
    name: 'learned, a boundary at every token',
    model: (b) => pinnedBoundaryModel(b, 'every'),
    concepts: 'all',
  },
  { name: 'learned, none after the first', model: (b) => pinnedBoundaryModel(b, 'none'), concepts: 'one' },
  { name: 'rule, tau 0: a boundary at every token', model: (b) => tinyModel(b, rule(0), 2), concepts: 'all' },
  {
    name: 'rule, tau 0.99: none after the first',
    model: (b) => tinyModel(b, rule(0.99), 2),
    concepts: 'one',
  },
];

/** The full forward over ids[0..t] for every t: its last logits row, and the boundaries of the whole sequence. */
function recomputed(model: DlcmModel, ids: number[]) {
  const vocab = model.config.vocabSize;
  const logits = ids.map((_, t) => {
    const out = forwardWithConcepts(model, i32([1, t + 1], ids.slice(0, t + 1)));
    return f32Data(out.logits).slice(t * vocab);
  });
  const whole = forwardWithConcepts(model, i32([1, ids.length], ids));
  return { logits, whole };
}

/** Feeds ids one token at a time: the logits after each, and what the session said about each token. */
function fedOneByOne(model: DlcmModel, ids: number[]): { logits: Float32Array[]; tokens: FedToken[] } {
  const session = new DlcmSession(model);
  const results = ids.map((id) => session.feed([id]));
  return { logits: results.map((r) => r.logits), tokens: results.map((r) => r.tokens[0]!) };
}

/** The reference generator: the full forward over everything so far, at every token. */
function naiveGenerate(model: DlcmModel, prompt: number[], options: GenerateDlcmOptions): number[] {
  const pick = tokenPicker(options);
  const ids = [...prompt];
  const vocab = model.config.vocabSize;
  for (let n = 0; n < options.maxNewTokens && ids.length < model.config.maxPositions; n++) {
    const logits = f32Data(forwardWithConcepts(model, i32([1, ids.length], ids)).logits);
    const id = pick(logits.slice((ids.length - 1) * vocab));
    ids.push(id);
    if (id === options.eosTokenId) break;
  }
  return ids.slice(prompt.length);
}

function withoutProbability({ probability: _, ...rest }: FedToken) {
  return rest;
}

function worst(a: Float32Array[], b: Float32Array[]): number {
  return Math.max(...a.map((row, i) => maxAbsDiff(row, b[i]!)));
}

for (const backendName of listBackends()) {
  const backend = getBackend(backendName);
  // The pure-TS backend computes every row alike whatever the batch; onnxruntime may pick kernels by shape.
  const expectClose = (diff: number) =>
    backendName === 'cpu' ? expect(diff).toBe(0) : expect(diff).toBeLessThan(1e-5);

  describe(`DLCM incremental decoding, on ${backendName}`, () => {
    for (const c of cases) {
      it(`${c.name}: cached logits at every position equal the full forward over the prefix`, () => {
        const model = c.model(backend);
        const ids = randomIds(LENGTH, model.config.vocabSize, mulberry32(11));
        const reference = recomputed(model, ids);
        const { starts, counts } = reference.whole.segmentation;
        const concepts = counts[0]!;
        if (c.concepts === 'one') expect(concepts).toBe(1);
        else if (c.concepts === 'all') expect(concepts).toBe(LENGTH);
        else expect(concepts > 2 && concepts < LENGTH - 2).toBe(true);

        const cached = fedOneByOne(model, ids);
        expectClose(worst(cached.logits, reference.logits));
        expect(cached.tokens.map((t) => (t.startsConcept ? 1 : 0))).toEqual(Array.from(starts));
        expectClose(
          maxAbsDiff(
            Float32Array.from(cached.tokens, (t) => t.probability!),
            reference.whole.probabilities,
          ),
        );
        expect(cached.tokens.at(-1)!.conceptCount).toBe(concepts);
      });
    }

    it('negative control: completing a concept one token late changes the logits at boundaries', () => {
      const model = tinyModel(backend, tinyConfig(), 2);
      const ids = randomIds(LENGTH, model.config.vocabSize, mulberry32(11));
      const hidden = model.encode(i32([1, LENGTH], ids));
      const { segmentation: seg } = forwardWithConcepts(model, i32([1, LENGTH], ids));
      const late = replicatedMask(seg, (s, t) => seg.segmentIds[s]! < seg.segmentIds[t]! - 1);
      const logits = f32Data(model.decode(hidden, model.concepts(hidden, seg), seg, late));
      const cached = fedOneByOne(model, ids).logits;
      const vocab = model.config.vocabSize;
      const boundaries = ids.flatMap((_, t) => (t > 0 && seg.starts[t] === 1 ? [t] : []));
      const diff = Math.max(
        ...boundaries.map((t) => maxAbsDiff(cached[t]!, logits.subarray(t * vocab, (t + 1) * vocab))),
      );
      expect(diff).toBeGreaterThan(1e-3);
    });

    for (const c of cases.slice(0, 2)) {
      it(`${c.name}: a batched prefill (also after earlier tokens) equals feeding one token at a time`, () => {
        const model = c.model(backend);
        const ids = randomIds(LENGTH, model.config.vocabSize, mulberry32(12));
        const single = fedOneByOne(model, ids);
        for (const chunks of [[LENGTH], [1, LENGTH - 1], [7, 1, 1, 11], [5, 6, 9]]) {
          const session = new DlcmSession(model);
          let at = 0;
          for (const size of chunks) {
            const fed = session.feed(ids.slice(at, at + size));
            at += size;
            expectClose(maxAbsDiff(fed.logits, single.logits[at - 1]!));
            const expected = single.tokens.slice(at - size, at);
            expect(fed.tokens.map(withoutProbability)).toEqual(expected.map(withoutProbability));
            expectClose(
              maxAbsDiff(
                fed.tokens.map((t) => t.probability!),
                expected.map((t) => t.probability!),
              ),
            );
          }
          expect(session.conceptCount).toBe(single.tokens.at(-1)!.conceptCount);
          expect(session.completedConceptCount).toBe(session.conceptCount - 1);
        }
      });
    }

    for (const c of cases.slice(0, 2)) {
      it(`${c.name}: greedy and seeded generation match a generator that recomputes everything`, () => {
        const model = c.model(backend);
        const prompt = randomIds(5, model.config.vocabSize, mulberry32(13));
        for (const sampling of [
          {},
          { temperature: 1, seed: 7 },
          { temperature: 0.8, topK: 5, topP: 0.9, seed: 3 },
        ]) {
          const options = { maxNewTokens: 16, eosTokenId: null, ...sampling };
          const cached = generateDlcm(model, prompt, options);
          expect(cached.ids).toEqual(naiveGenerate(model, prompt, { ...options, eosTokenId: undefined }));
          expect(cached.stopReason).toBe('max-new-tokens');
          const whole = forwardWithConcepts(model, i32([1, 21], [...prompt, ...cached.ids])).segmentation;
          expect(cached.events.map((e) => (e.startsConcept ? 1 : 0))).toEqual(
            Array.from(whole.starts.slice(5)),
          );
          expect(cached.events.at(-1)!.conceptCount).toBe(whole.counts[0]);
          expect(cached.events.map((e) => e.position)).toEqual(Array.from({ length: 16 }, (_, i) => 5 + i));
        }
      });
    }
  });
}

describe('DLCM generation options, stops and segments (cpu)', () => {
  const model = tinyModel(getBackend('cpu'), tinyConfig(), 2);
  const vocab = model.config.vocabSize;
  const prompt = randomIds(4, vocab, mulberry32(14));
  const run = (options: Partial<GenerateDlcmOptions>) =>
    generateDlcm(model, prompt, { maxNewTokens: 12, eosTokenId: null, ...options }).ids;

  it('seeded sampling repeats; top-k 1 and a tiny top-p are greedy', () => {
    const greedy = run({});
    expect(run({ temperature: 1.3, seed: 5 })).toEqual(run({ temperature: 1.3, seed: 5 }));
    expect(run({ temperature: 1.3, seed: 5 })).not.toEqual(run({ temperature: 1.3, seed: 6 }));
    expect(run({ temperature: 1.3, seed: 5 })).not.toEqual(greedy);
    expect(run({ temperature: 1.3, topK: 1, seed: 5 })).toEqual(greedy);
    expect(run({ temperature: 1.3, topP: 1e-6, seed: 5 })).toEqual(greedy);
  });

  it('emits one event per token and stops at EOS, maxNewTokens or the last position', () => {
    const greedy = run({});
    const events: number[] = [];
    const eos = generateDlcm(model, prompt, {
      maxNewTokens: 12,
      eosTokenId: greedy[3]!,
      onToken: (e) => events.push(e.id),
    });
    expect(eos.ids).toEqual(greedy.slice(0, greedy.indexOf(greedy[3]!) + 1));
    expect(eos.stopReason).toBe('eos');
    expect(events).toEqual(eos.ids);
    expect(run({ maxNewTokens: 0 })).toEqual([]);
    const max = model.config.maxPositions;
    const long = randomIds(max - 3, vocab, mulberry32(15));
    const tail = generateDlcm(model, long, { maxNewTokens: 10, eosTokenId: null });
    expect([tail.ids.length, tail.stopReason, tail.session.length]).toEqual([3, 'max-positions', max]);
    const full = generateDlcm(model, randomIds(max, vocab, mulberry32(15)), { maxNewTokens: 10 });
    expect([full.ids.length, full.stopReason]).toEqual([0, 'max-positions']);
  });

  it('refuses bad options and prompts with a DlcmGenerationError naming the value', () => {
    const bad: [Partial<GenerateDlcmOptions>, RegExp][] = [
      [{ temperature: -0.5 }, /temperature = -0.5: must be a finite number >= 0/],
      [{ temperature: Number.NaN }, /temperature = null/],
      [{ topP: 0 }, /topP = 0: must be in \(0, 1\]/],
      [{ topP: 1.5 }, /topP = 1.5/],
      [{ topK: 0 }, /topK = 0: must be a positive integer/],
      [{ topK: 2.5 }, /topK = 2.5/],
      [{ seed: -1 }, /seed = -1/],
      [{ maxNewTokens: -1 }, /maxNewTokens = -1: must be a non-negative integer/],
      [{ eosTokenId: vocab }, /eosTokenId = 40: must be a token id below 40/],
    ];
    for (const [options, message] of bad) {
      expect(() => run(options)).toThrow(DlcmGenerationError);
      expect(() => run(options)).toThrow(message);
    }
    const tooLong = randomIds(65, vocab, mulberry32(16));
    expect(() => generateDlcm(model, tooLong, { maxNewTokens: 1 })).toThrow(
      /a prompt of 65 tokens exceeds the model's 64 positions/,
    );
    expect(() => generateDlcm(model, [], { maxNewTokens: 1 })).toThrow(
      /promptIds = \[\]: the prompt is empty/,
    );
    const session = new DlcmSession(model);
    expect(() => session.feed([3, vocab])).toThrow(/id 40 at index 1 is not a token id below 40/);
    session.feed(randomIds(60, vocab, mulberry32(17)));
    expect(() => session.feed([1, 2, 3, 4, 5])).toThrow(/60 tokens fed \+ 5 exceed the model's 64 positions/);
    expect(session.length).toBe(60);
  });

  it('conceptSegments gives the full forward boundaries as ranges covering every token', () => {
    const ids = randomIds(LENGTH, vocab, mulberry32(11));
    const out = forwardWithConcepts(model, i32([1, LENGTH], ids));
    const { boundaries, segments, probabilities } = conceptSegments(model, ids);
    expect(boundaries).toEqual(ids.flatMap((_, t) => (out.segmentation.starts[t] === 1 ? [t] : [])));
    expect(segments.length).toBe(out.segmentation.counts[0]);
    expect(segments[0]!.start).toBe(0);
    expect(segments.at(-1)!.end).toBe(LENGTH);
    segments.slice(1).forEach((s, j) => {
      expect(s.start).toBe(segments[j]!.end);
    });
    expect(probabilities).toEqual(Array.from(out.probabilities));
    expect(() => conceptSegments(model, [])).toThrow(DlcmGenerationError);
  });
});
