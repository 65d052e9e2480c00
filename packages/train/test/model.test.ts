import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuBackend, i32 } from '@unmask/tensor';
import { relativeError } from '@unmask/tensor/conformance';
import { loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { LladaTrainModel, loadModelFolder, Rng, saveModelFolder, Tape } from '../src';
import { LLADA_TINY, tempDir, tinyConfig } from './fixtures';

const ids = i32([2, 7], [5, 17, 300, 310, 310, 42, 7, 1, 2, 3, 310, 4, 5, 6]);

describe('LladaTrainModel', () => {
  const dir = tempDir('model');

  it('computes the logits of @unmask/transformer on the official tiny LLaDA checkpoint', () => {
    const reference = loadModel(LLADA_TINY, { backend: cpuBackend });
    const model = loadModelFolder(LLADA_TINY);
    const ours = model.forward(new Tape(cpuBackend, { grad: false }), ids).value;
    const expected = reference.forward(ids);
    expect([...ours.dims]).toEqual([...expected.dims]);
    expect(relativeError(ours.data as Float32Array, expected.data as Float32Array)).toBeLessThan(1e-6);
  });

  it('computes the logits of selected rows only', () => {
    const model = loadModelFolder(LLADA_TINY);
    const tape = new Tape(cpuBackend, { grad: false });
    const all = model.forward(tape, ids).value.data as Float32Array;
    const rows = [3, 13, 0];
    const some = model.forward(tape, ids, i32([3], rows)).value.data as Float32Array;
    const vocab = model.config.vocabSize;
    rows.forEach((row, i) => {
      expect(some.subarray(i * vocab, (i + 1) * vocab)).toEqual(all.subarray(row * vocab, (row + 1) * vocab));
    });
  });

  it('saves an official-layout LLaDA folder that loadModel reads with the same logits', () => {
    const model = LladaTrainModel.initialize(tinyConfig(), new Rng(1));
    saveModelFolder(dir, model);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const official = JSON.parse(readFileSync(join(LLADA_TINY, 'config.json'), 'utf8'));
    expect(Object.keys(config).sort()).toEqual(Object.keys(official).sort());
    expect(config).toMatchObject({
      d_model: 16,
      n_layers: 2,
      n_heads: 4,
      n_kv_heads: 2,
      mlp_hidden_size: 24,
    });

    const loaded = loadModelFolder(dir);
    loaded.parameters.forEach((p, i) => {
      expect(p.name).toBe(model.parameters[i]!.name);
      expect(p.data).toEqual(model.parameters[i]!.data);
    });
    const engine = loadModel(dir, { backend: cpuBackend });
    const tinyIds = i32([1, 5], [1, 12, 3, 12, 5]);
    const ours = model.forward(new Tape(cpuBackend, { grad: false }), tinyIds).value.data as Float32Array;
    expect(relativeError(engine.forward(tinyIds).data as Float32Array, ours)).toBeLessThan(1e-6);
  });

  it('names its parameters as the official checkpoint does', () => {
    const official = loadModelFolder(LLADA_TINY).parameters.map((p) => p.name);
    const fresh = LladaTrainModel.initialize(tinyConfig(), new Rng(1)).parameters.map((p) => p.name);
    expect(fresh.sort()).toEqual(official.sort());
  });
});
