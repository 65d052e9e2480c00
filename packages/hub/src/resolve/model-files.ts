import fs from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsIndex, SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from '../safetensors/index-file';

export const CONFIG_FILE = 'config.json';

/** Small files downloaded with the model when the repository has them. */
export const OPTIONAL_FILES = [
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
  'added_tokens.json',
] as const;

/** What a folder lacks to be loadable: config.json and the weights (every shard its index names). */
export function missingModelFiles(dir: string): string[] {
  const missing = fs.existsSync(join(dir, CONFIG_FILE)) ? [] : [CONFIG_FILE];
  if (fs.existsSync(join(dir, WEIGHTS_INDEX_FILE))) {
    const { shards } = readSafetensorsIndex(join(dir, WEIGHTS_INDEX_FILE));
    return [...missing, ...shards.filter((shard) => !fs.existsSync(join(dir, shard)))];
  }
  return fs.existsSync(join(dir, SINGLE_WEIGHTS_FILE)) ? missing : [...missing, SINGLE_WEIGHTS_FILE];
}
