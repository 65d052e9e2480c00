import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from './run-cli';

const TINY = {
  steps: 4,
  batchSize: 4,
  microBatchSize: 2,
  seqLen: 32,
  evalEvery: 2,
  evalSequences: 4,
  model: { hiddenSize: 32, numLayers: 2, numHeads: 2, numKvHeads: 2, intermediateSize: 64, vocabSize: 300 },
};

/** A small corpus of its own, so the test needs nothing from ../shared. */
function corpus(): string {
  const lines = [
    'ROMEO: But soft, what light through yonder window breaks?',
    'JULIET: O Romeo, Romeo, wherefore art thou Romeo?',
  ];
  const path = join(mkdtempSync(join(tmpdir(), 'unmask-corpus-')), 'corpus.txt');
  writeFileSync(path, Array.from({ length: 120 }, (_, i) => lines[i % 2]).join('\n'));
  return path;
}

interface TrainJson {
  step: number;
  losses: number[];
  validation: { loss: number; maskedTokenLoss: number };
}

describe('unmask train', () => {
  it('trains, stops, resumes the same run, and the result generates text', () => {
    const data = corpus();
    const out = mkdtempSync(join(tmpdir(), 'unmask-train-'));
    const config = JSON.stringify(TINY);
    const first = runCli([
      'train',
      '--data',
      data,
      '--out',
      out,
      '--config',
      config,
      '--stop-after',
      '2',
      '--json',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(lastJsonLine<TrainJson>(first.stdout).step).toBe(2);
    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).model_type).toBe('llada');

    const resumed = runCli(['train', '--data', data, '--out', out, '--resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming at step 2\/4/);
    const result = lastJsonLine<TrainJson>(resumed.stdout);
    expect(result.step).toBe(4);
    expect(result.losses).toHaveLength(2);
    expect(result.validation.maskedTokenLoss).toBeGreaterThan(0);

    const generated = runCli([
      'generate',
      '--model',
      out,
      '--prompt',
      'ROMEO:',
      '--gen-length',
      '8',
      '--steps',
      '8',
      '--json',
    ]);
    expect(generated.code, generated.stderr).toBe(0);
    const { ids, text } = lastJsonLine<{ ids: number[]; text: string }>(generated.stdout);
    expect(ids).toHaveLength(8);
    expect(typeof text).toBe('string');
  });

  it('refuses bad arguments by name', () => {
    expect(runCli(['train', '--out', '/tmp/x']).stderr).toMatch(/--data FILE is required/);
    const badJson = runCli(['train', '--data', corpus(), '--out', '/tmp/x', '--config', '{steps:']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/--config is not valid JSON/);
  });

  it('reports a missing data file in one line, without a stack trace', () => {
    const missing = join(tmpdir(), 'unmask-no-such-corpus.txt');
    for (const args of [
      ['train', '--data', missing, '--out', join(tmpdir(), 'unmask-never-written')],
      ['analyze', 'dlcm', '--data', missing, '--work', join(tmpdir(), 'unmask-never-written')],
    ]) {
      const { code, stderr } = runCli(args);
      expect(code, stderr).toBe(1);
      expect(stderr).toContain(`ENOENT: no such file or directory, open '${missing}'`);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });
});
