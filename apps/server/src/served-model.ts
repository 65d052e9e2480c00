import { basename } from 'node:path';
import { loadTokenizer, type Tokenizer } from '@unmask/tokenizer';
import { readModelConfig, readModelKind } from '@unmask/transformer';

/** What the main thread knows of the model: enough to validate and tokenize requests, no weights. */
export interface ServedModel {
  /** The name /v1/models lists and requests give as `model`. */
  id: string;
  dir: string;
  family: string;
  /** A diffusion LM, or a next-token model (a DLCM): they take different sampling fields. */
  kind: 'diffusion' | 'next-token';
  maxPositions: number;
  /** Rows of the embedding table: prompt ids must lie below. */
  vocabSize: number;
  maskTokenId: number | undefined;
  eosTokenId: number | undefined;
  tokenizer: Tokenizer;
  /** Unix seconds the server started serving it. */
  created: number;
}

/**
 * Reads the model's config and tokenizer (the server needs text in and out, so a tokenizer is
 * required). A next-token model (e.g. a DLCM) has its loader's name as family and no mask token.
 */
export async function describeModel(dir: string, id = basename(dir)): Promise<ServedModel> {
  const kind = readModelKind(dir);
  const tokenizer = await loadTokenizer(dir);
  const created = Math.floor(Date.now() / 1000);
  if (kind.kind === 'next-token') {
    const { config } = kind.loader.describe(dir);
    const { maxPositions, vocabSize } = config;
    const eosTokenId = config.eosTokenId ?? tokenizer.eosTokenId;
    return {
      id,
      dir,
      family: kind.loader.name,
      kind: 'next-token',
      maxPositions,
      vocabSize,
      maskTokenId: undefined,
      eosTokenId,
      tokenizer,
      created,
    };
  }
  const { config, family } = readModelConfig(dir);
  return {
    id,
    dir,
    family: family.name,
    kind: 'diffusion',
    maxPositions: config.maxPositions,
    vocabSize: config.vocabSize,
    maskTokenId: config.maskTokenId ?? tokenizer.maskTokenId,
    eosTokenId: config.eosTokenId ?? tokenizer.eosTokenId,
    tokenizer,
    created,
  };
}
