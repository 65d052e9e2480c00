import fs from 'node:fs';
import { join } from 'node:path';
import { SafetensorsError } from './errors';
import type { TensorInfo } from './header';
import {
  readSafetensorsIndex,
  type SafetensorsIndex,
  SINGLE_WEIGHTS_FILE,
  WEIGHTS_INDEX_FILE,
} from './index-file';
import { openSafetensors, type SafetensorsFile, type TensorReader } from './open-file';

/** All the weights of a model folder, single-file or sharded, as one reader. */
export interface Checkpoint extends TensorReader {
  readonly dir: string;
  /** The safetensors files behind it. */
  readonly files: readonly string[];
}

/**
 * Opens `dir/model.safetensors.index.json` and every shard it names, or else `dir/model.safetensors`.
 * Every shard must exist and hold every tensor the index maps to it.
 */
export function openCheckpoint(dir: string): Checkpoint {
  const indexPath = join(dir, WEIGHTS_INDEX_FILE);
  if (fs.existsSync(indexPath)) return openSharded(dir, readSafetensorsIndex(indexPath));
  const singlePath = join(dir, SINGLE_WEIGHTS_FILE);
  if (fs.existsSync(singlePath)) {
    const file = openSafetensors(singlePath);
    return { ...file, dir, files: [singlePath] };
  }
  throw new SafetensorsError(
    'shard-missing',
    dir,
    undefined,
    `no ${SINGLE_WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE} here`,
  );
}

function openSharded(dir: string, index: SafetensorsIndex): Checkpoint {
  const missing = index.shards.filter((shard) => !fs.existsSync(join(dir, shard)));
  if (missing.length > 0) {
    throw new SafetensorsError(
      'shard-missing',
      index.path,
      undefined,
      `missing shard file(s): ${missing.join(', ')}`,
    );
  }
  const shards = new Map<string, SafetensorsFile>();
  try {
    for (const shard of index.shards) shards.set(shard, openSafetensors(join(dir, shard)));
    return combine(dir, index, shards);
  } catch (error) {
    for (const file of shards.values()) file.close();
    throw error;
  }
}

function combine(
  dir: string,
  index: SafetensorsIndex,
  shards: ReadonlyMap<string, SafetensorsFile>,
): Checkpoint {
  const owners = new Map<string, SafetensorsFile>();
  const tensors = new Map<string, TensorInfo>();
  for (const [tensor, shard] of index.weightMap) {
    const file = shards.get(shard)!;
    const info = file.tensors.get(tensor);
    if (!info)
      throw new SafetensorsError('index', index.path, tensor, `mapped to ${shard}, which has no such tensor`);
    owners.set(tensor, file);
    tensors.set(tensor, info);
  }
  const owner = (name: string): SafetensorsFile => {
    const file = owners.get(name);
    if (!file) throw new SafetensorsError('missing-tensor', index.path, name, 'not in the checkpoint index');
    return file;
  };
  const files = [...shards.values()];
  return {
    dir,
    files: files.map((file) => file.path),
    tensors,
    metadata: files[0]!.metadata,
    readF32: (name) => owner(name).readF32(name),
    readRaw: (name) => owner(name).readRaw(name),
    close: () => {
      for (const file of files) file.close();
    },
  };
}
