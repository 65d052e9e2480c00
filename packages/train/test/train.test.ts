import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuBackend, i32 } from '@unmask/tensor';
import { loadTokenizer } from '@unmask/tokenizer';
import { loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import {
  loadCheckpoint,
  loadModelFolder,
  readTrainingLog,
  saveModelFolder,
  TRAINING_LOG_FILE,
  type TrainConfigInput,
  TrainError,
  type TrainEvent,
  TrainingLog,
  train,
} from '../src';
import { tempDir, toyCorpus } from './fixtures';

const config: TrainConfigInput = {
  model: { hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 48, vocabSize: 300 },
  seqLen: 16,
  batchSize: 4,
  microBatchSize: 2,
  steps: 6,
  warmupSteps: 2,
  evalEvery: 3,
  evalSequences: 4,
  checkpointEvery: 0,
  seed: 11,
};

describe('train', () => {
  const root = tempDir('train');
  const dataFile = join(root, 'corpus.txt');
  writeFileSync(dataFile, toyCorpus(300));
  const run = (outDir: string, extra: Partial<Parameters<typeof train>[0]> = {}) => {
    const events: TrainEvent[] = [];
    const result = train({
      dataFile,
      outDir,
      backend: cpuBackend,
      config,
      onEvent: (e) => events.push(e),
      ...extra,
    });
    return result.then((r) => ({ ...r, events }));
  };
  const straightDir = join(root, 'straight');
  const splitDir = join(root, 'split');
  const straight = run(straightDir);

  it('resumes the same run: N steps straight equal k steps, a checkpoint, and N - k resumed, bit for bit', async () => {
    const first = await run(splitDir, { stopAfterStep: 2 });
    expect(first.step).toBe(2);
    const second = await run(splitDir, { resume: true, config: {} });
    expect(second.step).toBe(6);
    const whole = await straight;
    expect([...first.losses, ...second.losses]).toEqual(whole.losses);
    for (const file of [
      'model.safetensors',
      'optimizer.safetensors',
      'training_state.json',
      'tokenizer.json',
    ]) {
      expect(readFileSync(join(splitDir, file)).equals(readFileSync(join(straightDir, file))), file).toBe(
        true,
      );
    }
    expect(second.validation).toEqual(whole.validation);
    // The same log but the throughput, and the extra validation a stopped run does at its last step.
    const comparable = (dir: string) =>
      readTrainingLog(join(dir, TRAINING_LOG_FILE))
        .filter((e) => e.type === 'step' || e.step % 3 === 0)
        .map((e) => (e.type === 'step' ? { ...e, tokensPerSecond: 0 } : e));
    expect(comparable(splitDir)).toEqual(comparable(straightDir));
  });

  it('logs every step and validation to training_log.jsonl; a resume drops lines past its checkpoint', async () => {
    const { events } = await straight;
    const logged = readTrainingLog(join(straightDir, TRAINING_LOG_FILE));
    expect(logged.map((e) => `${e.type}${e.step}`)).toEqual(
      events.filter((e) => e.type === 'step' || e.type === 'validation').map((e) => `${e.type}${e.step}`),
    );
    const dir = join(root, 'log');
    cpSync(straightDir, dir, { recursive: true });
    const path = join(dir, TRAINING_LOG_FILE);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"type":"step","st`);
    expect(readTrainingLog(path)).toEqual(logged);
    const log = new TrainingLog(dir, 3);
    log.append({ type: 'step', step: 4, loss: 1, lr: 1, gradNorm: 1, tokensPerSecond: 1 });
    expect(readTrainingLog(path).map((e) => `${e.type}${e.step}`)).toEqual([
      'step1',
      'step2',
      'step3',
      'validation3',
      'step4',
    ]);
    writeFileSync(path, `{"type":"step",\n${readFileSync(path, 'utf8')}`);
    expect(() => readTrainingLog(path)).toThrow(/line 1 is not JSON/);
  });

  it('reports progress, validation and checkpoints', async () => {
    const { events } = await straight;
    const kinds = events.map((e) => (e.type === 'step' ? `step${e.step}` : e.type));
    expect(kinds).toEqual([
      'start',
      'step1',
      'step2',
      'step3',
      'validation',
      'step4',
      'step5',
      'step6',
      'validation',
      'checkpoint',
    ]);
    const step = events.find((e) => e.type === 'step' && e.step === 4);
    expect(step).toMatchObject({ totalSteps: 6 });
    if (step?.type !== 'step') throw new Error('no step event');
    expect(step.tokensPerSecond).toBeGreaterThan(0);
    expect(step.etaSeconds).toBeGreaterThan(0);
    expect(Number.isFinite(step.loss) && Number.isFinite(step.gradNorm) && step.lr > 0).toBe(true);
  });

  it('leaves a folder the engine loads like any LLaDA checkpoint, with its tokenizer', async () => {
    await straight;
    const tokenizer = await loadTokenizer(straightDir);
    const model = loadModel(straightDir, { backend: cpuBackend });
    expect(model.config.maskTokenId).toBe(tokenizer.maskTokenId);
    expect(model.config.vocabSize).toBe(tokenizer.vocabSize);
    const ids = tokenizer.encode('the cat sat');
    expect(model.forward(i32([1, ids.length], ids)).dims).toEqual([1, ids.length, tokenizer.vocabSize]);
  });

  it('refuses to overwrite a run, to resume with other settings, or to resume on another corpus', async () => {
    await straight;
    await expect(run(straightDir)).rejects.toThrow(TrainError);
    await expect(run(straightDir, { resume: true, config: { ...config, peakLr: 1 } })).rejects.toThrow(
      /peakLr/,
    );
    const otherData = join(root, 'other.txt');
    writeFileSync(otherData, toyCorpus(301));
    await expect(
      train({ dataFile: otherData, outDir: straightDir, backend: cpuBackend, resume: true }),
    ).rejects.toThrow(/corpus/);
  });

  it('detects a checkpoint torn between its files', async () => {
    await straight;
    const torn = join(root, 'torn');
    cpSync(straightDir, torn, { recursive: true });
    saveModelFolder(torn, loadModelFolder(torn), { step: '7' });
    expect(() => loadCheckpoint(torn)).toThrow(/incomplete/);
  });
});
