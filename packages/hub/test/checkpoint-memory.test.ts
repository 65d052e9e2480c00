import { describe, expect, it } from 'vitest';
import { openCheckpoint, type TensorToWrite } from '../src/index';
import { memoryProbe } from './support/memory-probe';
import { writeShardedCheckpoint } from './support/sharded-checkpoint';
import { useTempDirs } from './support/temp-dirs';

const tempDir = useTempDirs();

const MB = 1024 * 1024;
const TENSOR_BYTES = 8 * MB;
const TENSORS_PER_SHARD = 4;
const SHARDS = 2;
const MODEL_BYTES = TENSOR_BYTES * TENSORS_PER_SHARD * SHARDS;

function shard(s: number, data: Float32Array): Record<string, TensorToWrite> {
  const tensors: Record<string, TensorToWrite> = {};
  for (let t = 0; t < TENSORS_PER_SHARD; t++) {
    tensors[`shard${s}.tensor${t}`] = { dtype: 'F32', shape: [TENSOR_BYTES / 4], data };
  }
  return tensors;
}

describe('loading a checkpoint tensor by tensor', () => {
  it('grows memory by about the model size: no whole-file buffer, no second copy', () => {
    const dir = tempDir();
    {
      const data = new Float32Array(TENSOR_BYTES / 4).fill(0.5);
      writeShardedCheckpoint(dir, {
        'model-00001-of-00002.safetensors': shard(1, data),
        'model-00002-of-00002.safetensors': shard(2, data),
      });
    }
    const probe = memoryProbe();
    const checkpoint = openCheckpoint(dir);
    const loaded = [];
    for (const name of checkpoint.tensors.keys()) {
      loaded.push(checkpoint.readF32(name));
      probe.sample();
    }
    checkpoint.close();
    expect(loaded.reduce((sum, t) => sum + t.size * 4, 0)).toBe(MODEL_BYTES);
    // A reader that read whole files, or kept raw bytes beside the float32 arrays, would reach about 2x.
    expect(
      probe.peak.arrayBuffers,
      `peak growth ${(probe.peak.arrayBuffers / MB).toFixed(1)} MB`,
    ).toBeLessThan(MODEL_BYTES * 1.1 + 4 * MB);
    expect(probe.peak.rss, `rss growth ${(probe.peak.rss / MB).toFixed(1)} MB`).toBeLessThan(
      MODEL_BYTES * 1.5 + 32 * MB,
    );
  });
});
