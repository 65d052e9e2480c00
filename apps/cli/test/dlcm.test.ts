import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  conceptSegments,
  type DlcmConfig,
  type DlcmModel,
  dlcmConfigJson,
  generateDlcm,
  loadDlcm,
  randomDlcmTensors,
  tinyDlcmConfig,
  tinyTokenOnlyConfig,
  writeDlcmCheckpoint,
} from '@unmask/dlcm';
import { f32Data, getBackend, i32 } from '@unmask/tensor';
import { loadTokenizer, type Tokenizer } from '@unmask/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conversation } from '../src/chat/conversation';
import { replyText, usesSpeakerTurns } from '../src/chat/reply';
import { FIXTURES, lastJsonLine, runCli, runCliAsync } from './run-cli';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SHIPPED = join(REPO, 'models/llada-shakespeare');

/** A random DLCM over the shipped model's tokenizer (vocab 2048, `<|endoftext|>` = 2046). */
const config: DlcmConfig = tinyDlcmConfig({
  vocabSize: 2048,
  conceptPath: { backbone: { numLayers: 1, numHeads: 4, numKvHeads: 2, headDim: 6, intermediateSize: 48 } },
  eosTokenId: 2046,
  padTokenId: 2046,
});

const PROMPT = 'ROMEO:\nBut soft, what light';

let dir: string;
let model: DlcmModel;
let tokenizer: Tokenizer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unmask-dlcm-'));
  writeDlcmCheckpoint(dir, config, randomDlcmTensors(config, 7));
  for (const file of ['tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(SHIPPED, file), join(dir, file));
  model = loadDlcm(dir, { backend: getBackend('cpu') });
  tokenizer = await loadTokenizer(dir);
});

interface GenerateJson {
  ids: number[];
  text: string;
  tokens: number;
  concepts: number;
  ms: number;
}

const generateArgs = (...extra: string[]) => [
  'generate',
  '--model',
  dir,
  '--prompt',
  PROMPT,
  '--backend',
  'cpu',
  '--json',
  ...extra,
];

describe('unmask generate on a DLCM', () => {
  it('prints what generateDlcm gives, greedy and with seeded sampling', async () => {
    const prompt = tokenizer.encode(PROMPT);
    const cases = [
      { args: ['--gen-length', '12'], options: { maxNewTokens: 12 } },
      {
        args: [
          '--gen-length',
          '10',
          '--temperature',
          '0.9',
          '--top-k',
          '50',
          '--top-p',
          '0.9',
          '--seed',
          '3',
        ],
        options: { maxNewTokens: 10, temperature: 0.9, topK: 50, topP: 0.9, seed: 3 },
      },
    ];
    const results = await Promise.all(cases.map(({ args }) => runCliAsync(generateArgs(...args))));
    cases.forEach(({ options }, i) => {
      const { code, stdout, stderr } = results[i]!;
      expect(stderr).toMatch(/loaded dlcm model/);
      expect(code).toBe(0);
      const expected = generateDlcm(model, prompt, options);
      const json = lastJsonLine<GenerateJson>(stdout);
      expect(json.ids).toEqual(expected.ids);
      expect(json.tokens).toBe(expected.ids.length);
      expect(json.concepts).toBe(expected.session.conceptCount);
      expect(json.text).toBe(tokenizer.decode(expected.ids, { skipSpecialTokens: true }));
    });
  });

  it('refuses diffusion-only flags and out-of-range sampling flags with exit code 2', async () => {
    const cases = [
      [['--steps', '4'], /--steps does not apply to dlcm models/],
      [['--visual'], /--visual does not apply to dlcm models/],
      [['--temperature', '1', '--top-p', '1.5'], /--top-p: topP = 1.5: must be in \(0, 1\]/],
    ] as const;
    const results = await Promise.all(cases.map(([flags]) => runCliAsync(generateArgs(...flags))));
    results.forEach(({ code, stderr }, i) => {
      expect(code).toBe(2);
      expect(stderr).toMatch(cases[i]![1]);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  });

  it('refuses --top-k for a LLaDA model', () => {
    const { code, stderr } = runCli([
      'generate',
      '--model',
      `${FIXTURES}/llada-tiny-1`,
      '--prompt-ids',
      '1,2',
      '--top-k',
      '5',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--top-k does not apply to llada models/);
  });

  it('reports a malformed DLCM config.json naming the field, without a stack trace', () => {
    const bad = mkdtempSync(join(tmpdir(), 'unmask-bad-dlcm-'));
    writeFileSync(
      join(bad, 'config.json'),
      JSON.stringify({ model_type: 'dlcm', vocab_size: 2048, d_token: -1 }),
    );
    const { code, stderr } = runCli(['generate', '--model', bad, '--prompt-ids', '1']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/'d_token' must be a positive integer, got -1/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('unmask logits on a DLCM', () => {
  it('prints the logits of the model forward', () => {
    const ids = [5, 17, 310, 2046, 42];
    const { code, stdout } = runCli([
      'logits',
      '--model',
      dir,
      '--ids',
      ids.join(','),
      '--backend',
      'cpu',
      '--json',
    ]);
    expect(code).toBe(0);
    const { logits } = lastJsonLine<{ logits: number[][] }>(stdout);
    const expected = f32Data(model.forward(i32([1, ids.length], ids)).logits);
    expect(logits.length).toBe(ids.length);
    expect(logits.every((row) => row.length === config.vocabSize)).toBe(true);
    expect(Float32Array.from(logits.flat())).toEqual(expected);
  });
});

describe('unmask inspect on a DLCM', () => {
  it('describes the folder and prints the concepts of a text', async () => {
    const segmentArgs = ['inspect', dir, '--segments', PROMPT, '--backend', 'cpu'];
    const [described, text, { code, stdout }] = await Promise.all([
      runCliAsync(['inspect', dir, '--json']),
      runCliAsync(segmentArgs),
      runCliAsync([...segmentArgs, '--json']),
    ]);
    expect(described.code).toBe(0);
    const report = lastJsonLine<{ family: string; parameters: number }>(described.stdout);
    expect(report.family).toBe('dlcm');
    expect(report.parameters).toBe(model.parameterCount);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/concepts\n/);
    expect(text.stdout.split('\n')[0]!.replaceAll('|', '')).toBe(PROMPT.split('\n')[0]);

    expect(code).toBe(0);
    const json = lastJsonLine<{
      ids: number[];
      segments: { start: number; end: number; text: string; probability: number }[];
    }>(stdout);
    const ids = tokenizer.encode(PROMPT, { addSpecialTokens: false });
    expect(json.ids).toEqual(ids);
    const expected = conceptSegments(model, ids);
    expect(json.segments).toEqual(
      expected.segments.map(({ start, end }) => ({
        start,
        end,
        text: tokenizer.decode(ids.slice(start, end)),
        probability: expected.probabilities[start],
      })),
    );
  });

  it('refuses --segments for a diffusion LM', () => {
    const { code, stderr } = runCli(['inspect', `${FIXTURES}/llada-tiny-1`, '--segments', 'hi']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--segments needs a DLCM/);
  });
});

describe('unmask chat on a DLCM', () => {
  it('replies to piped lines with generateDlcm on the rendered conversation', () => {
    const message = 'Good morrow, fair Juliet.';
    const prompt = new Conversation(tokenizer, config.maxPositions, 12).promptFor(message).ids;
    const expected = generateDlcm(model, prompt, { maxNewTokens: 12, temperature: 0.8, seed: 5 });
    const result = spawnSync(
      process.execPath,
      [
        '--conditions=@unmask/source',
        '--import',
        'tsx',
        'apps/cli/src/main.ts',
        'chat',
        '--model',
        dir,
        '--backend',
        'cpu',
        '--gen-length',
        '12',
        '--temperature',
        '0.8',
        '--seed',
        '5',
      ],
      { cwd: REPO, input: `${message}\n/exit\n`, encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${replyText(tokenizer, expected.ids, usesSpeakerTurns(tokenizer))}\n`);
  });
});

/** `unmask generate --json` of up to `tokens` tokens after "the cat" on the cpu backend. */
function generateOnCpu(model: string, tokens: number) {
  return runCli([
    'generate',
    '--model',
    model,
    '--prompt',
    'the cat',
    '--gen-length',
    String(tokens),
    '--backend',
    'cpu',
    '--json',
  ]);
}

/** `unmask train --arch dlcm --json` on the cpu backend. */
function trainOnCpu(modelConfig: string, data: string, out: string, settings: string) {
  const args = ['--model-config', modelConfig, '--data', data, '--out', out, '--config', settings];
  return runCli(['train', '--arch', 'dlcm', ...args, '--backend', 'cpu', '--json']);
}

describe('unmask train --arch dlcm', () => {
  it('trains a DLCM on a text file into a folder the other commands load', () => {
    const root = mkdtempSync(join(tmpdir(), 'unmask-dlcm-train-'));
    const data = join(root, 'corpus.txt');
    const lines = ['the cat sat on the mat.', 'a dog ran to the park and back.', 'to be, or not to be.'];
    writeFileSync(data, Array.from({ length: 300 }, (_, i) => `${lines[i % lines.length]}\n`).join(''));
    const modelConfig = JSON.stringify(dlcmConfigJson(tinyDlcmConfig({ vocabSize: 300 })));
    const out = join(root, 'model');
    const settings =
      '{"steps": 4, "seqLen": 16, "batchSize": 4, "microBatchSize": 2, "evalEvery": 0, "evalSequences": 4}';
    const trained = trainOnCpu(modelConfig, data, out, settings);
    expect(trained.code, trained.stderr).toBe(0);
    const summary = lastJsonLine<{
      step: number;
      crossEntropy: number[];
      validation: { bitsPerToken: number };
    }>(trained.stdout);
    expect(summary.step).toBe(4);
    expect(summary.crossEntropy.every(Number.isFinite)).toBe(true);
    expect(summary.validation.bitsPerToken).toBeGreaterThan(0);
    const generated = generateOnCpu(out, 4);
    expect(generated.code, generated.stderr).toBe(0);
    expect(lastJsonLine<GenerateJson>(generated.stdout).ids).toHaveLength(4);

    const resumed = runCli([
      'train',
      '--arch',
      'dlcm',
      '--model-config',
      modelConfig,
      '--data',
      data,
      '--out',
      out,
      '--resume',
    ]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/--resume/);
    const missing = runCli(['train', '--arch', 'dlcm', '--data', data, '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--model-config/);
  });

  it('trains a token-only baseline from a "token_only" config; inspect --segments refuses it in one line', () => {
    const root = mkdtempSync(join(tmpdir(), 'unmask-token-only-train-'));
    const data = join(root, 'corpus.txt');
    const lines = ['the cat sat on the mat.', 'a dog ran to the park and back.'];
    writeFileSync(data, Array.from({ length: 200 }, (_, i) => `${lines[i % lines.length]}\n`).join(''));
    const modelConfig = JSON.stringify(dlcmConfigJson(tinyTokenOnlyConfig({ vocabSize: 300 })));
    expect(JSON.parse(modelConfig)).toMatchObject({ token_only: true });
    const out = join(root, 'model');
    const trained = trainOnCpu(
      modelConfig,
      data,
      out,
      '{"steps": 3, "seqLen": 12, "batchSize": 2, "microBatchSize": 2, "evalEvery": 0, "evalSequences": 2}',
    );
    expect(trained.code, trained.stderr).toBe(0);
    const summary = lastJsonLine<{ crossEntropy: number[]; tokensPerConcept: (number | null)[] }>(
      trained.stdout,
    );
    expect(summary.crossEntropy.every(Number.isFinite)).toBe(true);
    expect(summary.tokensPerConcept).toEqual([null, null, null]);
    const segments = runCli(['inspect', out, '--segments', 'the cat', '--backend', 'cpu']);
    expect(segments.code).toBe(1);
    expect(segments.stderr.trim().split('\n')).toHaveLength(1);
    expect(segments.stderr).toMatch(/token-only .*no concept path/);
    const generated = generateOnCpu(out, 3);
    expect(generated.code, generated.stderr).toBe(0);
    const ids = lastJsonLine<GenerateJson>(generated.stdout).ids;
    expect(ids.length > 0 && ids.length <= 3).toBe(true);
  });
});

describe('the shipped DLCM (models/dlcm-shakespeare)', () => {
  const shipped = join(REPO, 'models/dlcm-shakespeare');
  const passage =
    "KING RICHARD II:\nNo matter where; of comfort no man speak:\nLet's talk of graves, of worms, and epitaphs;\n";

  it('predicts Shakespeare far better than chance and cuts it near its R tokens per concept', async () => {
    const trained = loadDlcm(shipped);
    const words = await loadTokenizer(shipped);
    const ids = words.encode(passage, { addSpecialTokens: false });
    const { logits, segmentation } = trained.forward(i32([1, ids.length], ids));
    const vocab = trained.config.vocabSize;
    const rows = f32Data(logits);
    let nats = 0;
    for (let t = 0; t + 1 < ids.length; t++) {
      const row = rows.subarray(t * vocab, (t + 1) * vocab);
      const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
      const logSum = Math.log(row.reduce((sum, x) => sum + Math.exp(x - max), 0)) + max;
      nats += logSum - row[ids[t + 1]!]!;
    }
    const bitsPerToken = nats / (ids.length - 1) / Math.LN2;
    // Uniform guessing costs log2(2048) = 11 bits; the model reaches about 6 on held-out text.
    expect(bitsPerToken).toBeLessThan(8);
    const ratio = trained.config.conceptPath!.compressionRatio;
    const tokensPerConcept = ids.length / segmentation!.counts[0]!;
    expect(tokensPerConcept).toBeGreaterThan(ratio / 2);
    expect(tokensPerConcept).toBeLessThan(ratio * 2);
  });

  it('generates with unmask generate', () => {
    const generated = runCli([
      'generate',
      '--model',
      shipped,
      '--prompt',
      'ROMEO:',
      '--gen-length',
      '24',
      '--json',
    ]);
    expect(generated.code, generated.stderr).toBe(0);
    const json = lastJsonLine<GenerateJson & { text: string }>(generated.stdout);
    expect(json.ids.length).toBeGreaterThan(0);
    expect(json.text.length).toBeGreaterThan(0);
  });
});
