import fs from 'node:fs';
import { isSafeRelativePath } from '../safe-relative-path';
import { SafetensorsError } from './errors';
import { isPlainObject, MAX_HEADER_BYTES } from './header';

/** The file names Hugging Face checkpoints use for single-file and sharded weights. */
export const SINGLE_WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';

export interface SafetensorsIndex {
  readonly path: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Tensor name -> shard file name (relative to the index's folder). */
  readonly weightMap: ReadonlyMap<string, string>;
  /** Distinct shard file names, in order of first mention. */
  readonly shards: readonly string[];
}

/** Reads and validates a `model.safetensors.index.json`. */
export function readSafetensorsIndex(path: string): SafetensorsIndex {
  let text: string;
  try {
    if (fs.statSync(path).size > MAX_HEADER_BYTES) {
      throw new SafetensorsError('index', path, undefined, `index is over ${MAX_HEADER_BYTES} bytes`);
    }
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof SafetensorsError) throw error;
    throw new SafetensorsError('io', path, undefined, `cannot read: ${(error as Error).message}`, error);
  }
  return parseSafetensorsIndex(text, path);
}

/** Validates index JSON: an object with a `weight_map` of tensor name -> safe relative shard file name. */
export function parseSafetensorsIndex(text: string, path: string): SafetensorsIndex {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SafetensorsError('index', path, undefined, `not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed) || !isPlainObject(parsed.weight_map)) {
    throw new SafetensorsError('index', path, undefined, 'expected an object with a "weight_map" object');
  }
  const metadata = parsed.metadata ?? {};
  if (!isPlainObject(metadata))
    throw new SafetensorsError('index', path, undefined, '"metadata" is not an object');
  const weightMap = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(parsed.weight_map)) {
    if (typeof shard !== 'string' || !isSafeRelativePath(shard)) {
      throw new SafetensorsError(
        'index',
        path,
        tensor,
        `shard ${JSON.stringify(shard)} is not a relative file name`,
      );
    }
    weightMap.set(tensor, shard);
  }
  if (weightMap.size === 0) throw new SafetensorsError('index', path, undefined, '"weight_map" is empty');
  return { path, metadata, weightMap, shards: [...new Set(weightMap.values())] };
}
