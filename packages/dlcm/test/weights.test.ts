import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { f32, f32Data, getBackend, i32 } from '@unmask/tensor';
import { WeightError } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import {
  DlcmWeightError,
  dlcmTensorShapes,
  dlcmWeightsFromTensors,
  loadDlcm,
  randomDlcmTensors,
  writeDlcmCheckpoint,
} from '../src';
import { tinyConfig, tinyModel } from './tiny';

const tempDir = () => mkdtempSync(join(tmpdir(), 'dlcm-weights-'));

describe('DLCM safetensors layout', () => {
  it('names every tensor of the README layout with its shape', () => {
    const shapes = dlcmTensorShapes(tinyConfig());
    expect(shapes.get('embed_tokens.weight')).toEqual([40, 16]);
    expect(shapes.get('encoder.layers.0.attn.q_proj.weight')).toEqual([16, 16]);
    expect(shapes.get('encoder.layers.0.attn.k_proj.weight')).toEqual([8, 16]);
    expect(shapes.get('backbone.layers.1.attn.o_proj.weight')).toEqual([24, 24]);
    expect(shapes.get('backbone.layers.1.ffn.down_proj.weight')).toEqual([24, 48]);
    expect(shapes.get('boundary.q_proj.weight')).toEqual([16, 16]);
    expect(shapes.get('pool.up_proj.weight')).toEqual([24, 16]);
    expect(shapes.get('null_concept')).toEqual([24]);
    expect(shapes.get('decoder.cross_attn.k_proj.weight')).toEqual([8, 24]);
    expect(shapes.get('decoder.cross_attn.q_norm.weight')).toEqual([4]);
    expect(shapes.get('decoder.layers.0.attn.q_proj.weight')).toEqual([16, 16]);
    expect(shapes.get('lm_head.weight')).toEqual([40, 16]);
    // 9 per layer over 1 + 2 + 1 layers, plus embedding, 2 boundary, up, backbone norm, null, 7 cross, decoder norm, head.
    expect(shapes.size).toBe(9 * 4 + 1 + 2 + 1 + 1 + 1 + 7 + 1 + 1);
  });

  it('leaves out the boundary projections for the rule detector and the head when tied', () => {
    const shapes = dlcmTensorShapes(
      tinyConfig({ conceptPath: { boundary: { kind: 'rule', tau: 0.4 } }, tiedEmbeddings: true }),
    );
    expect([...shapes.keys()].filter((n) => n.startsWith('boundary.') || n === 'lm_head.weight')).toEqual([]);
  });

  it('a written checkpoint loads back to the same model', () => {
    const config = tinyConfig();
    const dir = tempDir();
    writeDlcmCheckpoint(dir, config, randomDlcmTensors(config, 7));
    const backend = getBackend('cpu');
    const loaded = loadDlcm(dir, { backend });
    expect(loaded.config).toEqual(config);
    const ids = i32([1, 6], [3, 9, 27, 4, 4, 11]);
    const expected = tinyModel(backend, config, 7).forward(ids);
    const actual = loaded.forward(ids);
    expect(Array.from(f32Data(actual.logits))).toEqual(Array.from(f32Data(expected.logits)));
  });

  it('a tied head reuses the embedding', () => {
    const config = tinyConfig({ tiedEmbeddings: true });
    const weights = dlcmWeightsFromTensors(randomDlcmTensors(config, 1), config);
    expect(weights.lmHead).toBe(weights.embedding);
  });

  const broken: [string, (tensors: Map<string, ReturnType<typeof f32>>) => void, RegExp][] = [
    [
      'a missing tensor',
      (t) => t.delete('decoder.cross_attn.k_norm.weight'),
      /missing tensor 'decoder\.cross_attn\.k_norm\.weight' \[4\]/,
    ],
    [
      'an extra tensor',
      (t) => t.set('decoder.layers.5.attn_norm.weight', f32([16])),
      /unexpected tensor 'decoder\.layers\.5\.attn_norm\.weight'/,
    ],
    [
      'a wrong shape',
      (t) => t.set('pool.up_proj.weight', f32([16, 24])),
      /tensor 'pool\.up_proj\.weight' has shape \[16, 24\], expected \[24, 16\]/,
    ],
  ];
  for (const [what, breakIt, message] of broken) {
    it(`refuses ${what} in a checkpoint on disk and in memory, naming the tensor`, () => {
      const config = tinyConfig();
      const tensors = randomDlcmTensors(config, 3);
      breakIt(tensors);
      expect(() => dlcmWeightsFromTensors(tensors, config)).toThrow(message);
      const dir = tempDir();
      writeDlcmCheckpoint(dir, config, tensors);
      expect(() => loadDlcm(dir, { backend: getBackend('cpu') })).toThrow(DlcmWeightError);
      expect(() => loadDlcm(dir, { backend: getBackend('cpu') })).toThrow(WeightError);
      expect(() => loadDlcm(dir, { backend: getBackend('cpu') })).toThrow(message);
    });
  }

  it('refuses a checkpoint of another detector kind', () => {
    const learned = tinyConfig();
    const rule = tinyConfig({ conceptPath: { boundary: { kind: 'rule', tau: 0.4 } } });
    expect(() => dlcmWeightsFromTensors(randomDlcmTensors(learned, 1), rule)).toThrow(
      /unexpected tensor 'boundary\.(q|k)_proj\.weight'/,
    );
    expect(() => dlcmWeightsFromTensors(randomDlcmTensors(rule, 1), learned)).toThrow(
      /missing tensor 'boundary\.q_proj\.weight'/,
    );
  });
});
