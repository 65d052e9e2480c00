import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSafetensors, writeSafetensors } from '@unmask/hub';
import { getBackend } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { loadModel, ModelConfigError, readModelConfig, WeightError } from '../src';
import { fixtureDir } from './fixtures';

const REAL_CONFIGS = fileURLToPath(new URL('../../../../shared/real-configs', import.meta.url));

function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `unmask-${name}-`));
  for (const file of ['config.json', 'model.safetensors'])
    copyFileSync(join(fixtureDir(name), file), join(dir, file));
  return dir;
}

/** Rewrites a checkpoint's safetensors with `edit` applied to its tensor map. */
function rewriteWeights(
  dir: string,
  edit: (tensors: Map<string, { dtype: 'F32'; shape: number[]; data: Float32Array }>) => void,
) {
  const file = openSafetensors(join(dir, 'model.safetensors'));
  const tensors = new Map(
    [...file.tensors.values()].map((t) => [
      t.name,
      { dtype: 'F32' as const, shape: [...t.shape], data: file.readF32(t.name).data as Float32Array },
    ]),
  );
  file.close();
  edit(tensors);
  writeSafetensors(join(dir, 'model.safetensors'), tensors);
}

describe('loading checkpoints', () => {
  it('reports its progress tensor by tensor, up to every byte of the checkpoint', () => {
    const dir = fixtureDir('llada-tiny-1');
    const file = openSafetensors(join(dir, 'model.safetensors'));
    const totalBytes = [...file.tensors.values()].reduce((n, t) => n + t.byteLength, 0);
    file.close();
    const reports: [number, number][] = [];
    loadModel(dir, { onProgress: (read, total) => reports.push([read, total]) });
    expect(reports.length).toBeGreaterThan(2);
    expect(reports.every(([, total]) => total === totalBytes)).toBe(true);
    expect(reports.every(([read], i) => i === 0 || read > reports[i - 1]![0])).toBe(true);
    expect(reports.at(-1)![0]).toBe(totalBytes);
  });

  it('holds every checkpoint value once', () => {
    const model = loadModel(fixtureDir('dream-tiny-1'), { backend: getBackend('cpu') });
    const file = openSafetensors(join(fixtureDir('dream-tiny-1'), 'model.safetensors'));
    const total = [...file.tensors.values()].reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    file.close();
    expect(model.parameterCount).toBe(total);
  });

  it('names a missing tensor', () => {
    const dir = copyFixture('llada-tiny-1');
    rewriteWeights(dir, (t) => t.delete('model.transformer.blocks.1.up_proj.weight'));
    expect(() => loadModel(dir, { backend: getBackend('cpu') })).toThrow(WeightError);
    expect(() => loadModel(dir, { backend: getBackend('cpu') })).toThrow(
      /no tensor 'model.transformer.blocks.1.up_proj.weight'/,
    );
  });

  it('names a tensor of the wrong shape', () => {
    const dir = copyFixture('llada-tiny-1');
    rewriteWeights(dir, (t) => {
      t.set('model.transformer.blocks.0.q_proj.weight', {
        dtype: 'F32',
        shape: [64, 32],
        data: new Float32Array(64 * 32),
      });
    });
    expect(() => loadModel(dir, { backend: getBackend('cpu') })).toThrow(
      /'model.transformer.blocks.0.q_proj.weight' has shape \[64, 32\], expected \[64, 64\]/,
    );
  });

  it('refuses an unknown architecture, listing the supported ones', () => {
    const dir = copyFixture('llada-tiny-1');
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] }),
    );
    expect(() => readModelConfig(dir)).toThrow(ModelConfigError);
    expect(() => readModelConfig(dir)).toThrow(/unsupported architecture.*supported: llada.*dream/);
  });

  it('refuses unsupported options and bad sizes by name', () => {
    const dir = copyFixture('llada-tiny-1');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, alibi: true }));
    expect(() => readModelConfig(dir)).toThrow(/'alibi' = true is not supported/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, n_kv_heads: 3 }));
    expect(() => readModelConfig(dir)).toThrow(/4 attention heads is not a multiple of 3 KV heads/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, n_layers: -1 }));
    expect(() => readModelConfig(dir)).toThrow(/'n_layers' must be a positive integer, got -1/);
    writeFileSync(join(dir, 'config.json'), '{ not json');
    expect(() => readModelConfig(dir)).toThrow(/cannot read config.json/);
  });
});

describe.skipIf(!existsSync(REAL_CONFIGS))(
  existsSync(REAL_CONFIGS)
    ? 'the real released configs'
    : `the real released configs (skipped: ${REAL_CONFIGS} not found)`,
  () => {
    it('parses LLaDA-8B-Instruct', () => {
      const { family, config } = readModelConfig(join(REAL_CONFIGS, 'llada-8b-instruct'));
      expect(family.name).toBe('llada');
      expect(config).toMatchObject({
        hiddenSize: 4096,
        numLayers: 32,
        numHeads: 32,
        numKvHeads: 32,
        headDim: 128,
        intermediateSize: 12288,
        vocabSize: 126464,
        maskTokenId: 126336,
        ropeTheta: 500000,
      });
    });

    it('parses Dream-v0-Instruct-7B', () => {
      const { family, config } = readModelConfig(join(REAL_CONFIGS, 'dream-v0-instruct-7b'));
      expect(family.name).toBe('dream');
      expect(family.shiftedLogits).toBe(true);
      expect(config).toMatchObject({
        hiddenSize: 3584,
        numLayers: 28,
        numHeads: 28,
        numKvHeads: 4,
        headDim: 128,
        intermediateSize: 18944,
        vocabSize: 152064,
        maskTokenId: 151666,
        ropeTheta: 1000000,
        qkvBias: true,
      });
    });
  },
);
