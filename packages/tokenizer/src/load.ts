import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TokenizerFilesNotFoundError, TokenizerFormatError } from './errors';
import { gpt2LayoutToTokenizerJson } from './gpt2-layout';
import { isJsonObject, type JsonObject } from './json-fields';
import { Tokenizer } from './tokenizer';

/** What a Tokenizer is built from, whichever layout the files came in. */
export interface TokenizerSource {
  /** tokenizer.json, or the equivalent built from vocab.json + merges.txt. */
  tokenizerJson: JsonObject;
  /** tokenizer_config.json merged with special_tokens_map.json (whose entries win, as in transformers). */
  config: JsonObject;
  /** The file the tokenizer came from, for messages. */
  file: string;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TokenizerFormatError(file, `not valid JSON: ${(error as Error).message}`);
  }
}

async function readOptionalObject(file: string): Promise<JsonObject | undefined> {
  const text = await readOptional(file);
  if (text === undefined) return undefined;
  const value = parseJson(text, file);
  if (!isJsonObject(value)) throw new TokenizerFormatError(file, 'must hold a JSON object');
  return value;
}

/**
 * Reads a tokenizer from a model directory (or a tokenizer.json path): tokenizer.json when present, else
 * the GPT-2 layout (vocab.json + merges.txt [+ added_tokens.json]), plus tokenizer_config.json and
 * special_tokens_map.json when present.
 */
export async function readTokenizerSource(path: string): Promise<TokenizerSource> {
  const isFile = await stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
  const dir = isFile ? dirname(path) : path;
  const tokenizerFile = isFile ? path : join(dir, 'tokenizer.json');
  const config = {
    ...(await readOptionalObject(join(dir, 'tokenizer_config.json'))),
    ...(await readOptionalObject(join(dir, 'special_tokens_map.json'))),
  };
  const tokenizerJson = await readOptionalObject(tokenizerFile);
  if (tokenizerJson) return { tokenizerJson, config, file: tokenizerFile };

  const vocabFile = join(dir, 'vocab.json');
  const [vocab, merges] = await Promise.all([readOptional(vocabFile), readOptional(join(dir, 'merges.txt'))]);
  if (vocab === undefined || merges === undefined) {
    throw new TokenizerFilesNotFoundError(path, [basename(tokenizerFile), 'vocab.json + merges.txt']);
  }
  const addedTokens = await readOptionalObject(join(dir, 'added_tokens.json'));
  return {
    tokenizerJson: gpt2LayoutToTokenizerJson({
      vocab: parseJson(vocab, vocabFile),
      merges,
      addedTokens,
      config,
    }),
    config,
    file: vocabFile,
  };
}

/** Loads the tokenizer of a model directory (or a tokenizer.json path). */
export async function loadTokenizer(path: string): Promise<Tokenizer> {
  const source = await readTokenizerSource(path);
  return new Tokenizer(source.tokenizerJson, source.config, source.file);
}
