import { basename } from 'node:path';
import { loadTokenizer, type Tokenizer } from '@unmask/tokenizer';
import { readModelConfig } from '@unmask/transformer';

/** What the main thread knows of the model: enough to validate and tokenize requests, no weights. */
export interface ServedModel {
  /** The name /v1/models lists and requests give as `model`. */
  id: string;
  dir: string;
  family: string;
  maxPositions: number;
  /** Rows of the embedding table: prompt ids must lie below. */
  vocabSize: number;
  maskTokenId: number | undefined;
  eosTokenId: number | undefined;
  tokenizer: Tokenizer;
  /** Unix seconds the server started serving it. */
  created: number;
}

/** Reads the model's config and tokenizer (the server needs text in and out, so a tokenizer is required). */
export async function describeModel(dir: string, id = basename(dir)): Promise<ServedModel> {
  const { config, family } = readModelConfig(dir);
  const tokenizer = await loadTokenizer(dir);
  return {
    id,
    dir,
    family: family.name,
    maxPositions: config.maxPositions,
    vocabSize: config.vocabSize,
    maskTokenId: config.maskTokenId ?? tokenizer.maskTokenId,
    eosTokenId: config.eosTokenId ?? tokenizer.eosTokenId,
    tokenizer,
    created: Math.floor(Date.now() / 1000),
  };
}
