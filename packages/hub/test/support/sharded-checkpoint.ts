import fs from 'node:fs';
import { join } from 'node:path';
import { type TensorToWrite, writeSafetensors } from '../../src/index';

/**
 * Writes `shards` (file name -> tensors) with writeSafetensors plus a model.safetensors.index.json mapping each
 * tensor to its shard, as transformers' save_pretrained does. Returns the index object for tests to tamper with.
 */
export function writeShardedCheckpoint(
  dir: string,
  shards: Readonly<Record<string, Readonly<Record<string, TensorToWrite>>>>,
): { metadata: { total_size: number }; weight_map: Record<string, string> } {
  const index = { metadata: { total_size: 0 }, weight_map: {} as Record<string, string> };
  for (const [shard, tensors] of Object.entries(shards)) {
    writeSafetensors(join(dir, shard), tensors, { format: 'pt' });
    for (const [name, t] of Object.entries(tensors)) {
      index.weight_map[name] = shard;
      index.metadata.total_size += t.data.byteLength;
    }
  }
  fs.writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index, null, 2));
  return index;
}
