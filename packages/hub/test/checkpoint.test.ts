import fs from 'node:fs';
import { join } from 'node:path';
import { f32Data } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { openCheckpoint, readSafetensorsIndex, SafetensorsError } from '../src/index';
import { writeShardedCheckpoint } from './support/sharded-checkpoint';
import { needsShared, SHARED_DIR, sharedAvailable } from './support/shared-data';
import { useTempDirs } from './support/temp-dirs';

const tempDir = useTempDirs();

const ramp = (n: number, from: number) => Float32Array.from({ length: n }, (_, i) => from + i);

function twoShards(dir: string) {
  return writeShardedCheckpoint(dir, {
    'model-00001-of-00002.safetensors': {
      'embed.weight': { dtype: 'F32', shape: [4, 3], data: ramp(12, 0) },
      'layers.0.weight': { dtype: 'BF16', shape: [2, 2], data: ramp(4, 100) },
    },
    'model-00002-of-00002.safetensors': {
      'layers.1.weight': { dtype: 'F16', shape: [3], data: ramp(3, -1) },
      'head.weight': { dtype: 'F32', shape: [2, 3], data: ramp(6, 50) },
    },
  });
}

function expectCheckpointError(dir: string, problem: string, ...mentions: string[]): void {
  let caught: unknown;
  try {
    openCheckpoint(dir).close();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  expect(caught).toMatchObject({ problem });
  for (const text of mentions) expect((caught as Error).message).toContain(text);
}

describe('openCheckpoint over a sharded checkpoint', () => {
  it('reads every tensor of every shard through one view', () => {
    const dir = tempDir();
    twoShards(dir);
    const checkpoint = openCheckpoint(dir);
    expect(checkpoint.files.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]);
    expect([...checkpoint.tensors.keys()].sort()).toEqual([
      'embed.weight',
      'head.weight',
      'layers.0.weight',
      'layers.1.weight',
    ]);
    expect(checkpoint.metadata).toEqual({ format: 'pt' });
    expect(f32Data(checkpoint.readF32('embed.weight'))).toEqual(ramp(12, 0));
    expect(f32Data(checkpoint.readF32('layers.0.weight'))).toEqual(ramp(4, 100));
    expect(f32Data(checkpoint.readF32('layers.1.weight'))).toEqual(ramp(3, -1));
    expect(checkpoint.readF32('head.weight').dims).toEqual([2, 3]);
    expect(checkpoint.readRaw('layers.0.weight').length).toBe(8);
    expect(() => checkpoint.readF32('nope')).toThrow(expect.objectContaining({ problem: 'missing-tensor' }));
    checkpoint.close();
  });

  it('a missing shard is an error naming the shard', () => {
    const dir = tempDir();
    twoShards(dir);
    fs.rmSync(join(dir, 'model-00002-of-00002.safetensors'));
    expectCheckpointError(
      dir,
      'shard-missing',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
    );
  });

  it('an index mapping a tensor to a shard that lacks it is an error naming tensor and shard', () => {
    const dir = tempDir();
    const index = twoShards(dir);
    index.weight_map['head.weight'] = 'model-00001-of-00002.safetensors';
    fs.writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    expectCheckpointError(dir, 'index', '"head.weight"', 'model-00001-of-00002.safetensors');
  });

  it('an index that is not JSON, lacks weight_map, or points outside the folder is an index error', () => {
    const dir = tempDir();
    const indexPath = join(dir, 'model.safetensors.index.json');
    fs.writeFileSync(indexPath, '{"weight_map": ');
    expectCheckpointError(dir, 'index', indexPath);
    fs.writeFileSync(indexPath, '{"metadata": {}}');
    expectCheckpointError(dir, 'index', 'weight_map');
    fs.writeFileSync(indexPath, JSON.stringify({ weight_map: { w: '../../etc/passwd' } }));
    expectCheckpointError(dir, 'index', '"w"', 'not a relative file name');
  });

  it('a malformed shard surfaces its own error', () => {
    const dir = tempDir();
    twoShards(dir);
    fs.writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), 'junk');
    expectCheckpointError(dir, 'header-length', 'model-00001-of-00002.safetensors');
  });

  it('a folder with no weights at all', () => {
    expectCheckpointError(tempDir(), 'shard-missing', 'model.safetensors');
  });
});

const realConfigs = [
  {
    name: 'llada-8b-instruct',
    shards: 6,
    tensors: 291,
    first: 'model.transformer.blocks.0.attn_norm.weight',
  },
  { name: 'dream-v0-instruct-7b', shards: 4, tensors: 339, first: 'lm_head.weight' },
];

describe.skipIf(!sharedAvailable)(needsShared('the real index files under ../shared/real-configs'), () => {
  for (const real of realConfigs) {
    it(`${real.name}: the index parses, and opening it without weights names a missing shard`, () => {
      const dir = join(SHARED_DIR, 'real-configs', real.name);
      const index = readSafetensorsIndex(join(dir, 'model.safetensors.index.json'));
      expect(index.shards).toHaveLength(real.shards);
      expect(index.weightMap.size).toBe(real.tensors);
      expect(index.weightMap.has(real.first)).toBe(true);
      expect(index.metadata.total_size).toBeGreaterThan(15e9);
      expect(index.shards.every((s) => /^model-0000\d-of-0000\d\.safetensors$/.test(s))).toBe(true);
      expectCheckpointError(dir, 'shard-missing', `model-00001-of-0000${real.shards}.safetensors`);
    });
  }
});
