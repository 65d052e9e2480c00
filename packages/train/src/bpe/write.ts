import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomically } from '../checkpoint/write-json';
import { TrainError } from '../errors';
import type { BpeVocabulary } from './train';

export interface TokenizerFileOptions {
  /** The end-of-text token (must be one of the vocabulary's special tokens). */
  eosToken: string;
  /** The mask token of the diffusion LM (must be one of the vocabulary's special tokens). */
  maskToken: string;
  /** tokenizer_config.json's model_max_length. */
  modelMaxLength: number;
}

/** tokenizer.json of a byte-level BPE, as the Hugging Face `tokenizers` library writes one for GPT-2. */
export function tokenizerJson(vocab: BpeVocabulary): Record<string, unknown> {
  const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean) => ({
    type: 'ByteLevel',
    add_prefix_space: addPrefixSpace,
    trim_offsets: trimOffsets,
    use_regex: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: vocab.specialTokens.map(({ content, id }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel(false, true),
    post_processor: byteLevel(true, false),
    decoder: byteLevel(true, true),
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab.tokens.map((token, id) => [token, id])),
      // Byte-level tokens never contain a space, so the "a b" form is unambiguous.
      merges: vocab.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

/** tokenizer_config.json naming the EOS (also used as padding) and mask tokens. */
export function tokenizerConfigJson(
  vocab: BpeVocabulary,
  options: TokenizerFileOptions,
): Record<string, unknown> {
  for (const token of [options.eosToken, options.maskToken]) {
    if (!vocab.specialTokens.some((t) => t.content === token)) {
      throw new TrainError(`'${token}' is not a special token of the vocabulary`);
    }
  }
  return {
    added_tokens_decoder: Object.fromEntries(
      vocab.specialTokens.map(({ content, id }) => [
        String(id),
        { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
      ]),
    ),
    bos_token: null,
    clean_up_tokenization_spaces: false,
    eos_token: options.eosToken,
    mask_token: options.maskToken,
    model_max_length: options.modelMaxLength,
    pad_token: options.eosToken,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
}

/** Writes tokenizer.json and tokenizer_config.json into `dir`. */
export function writeTokenizerFiles(dir: string, vocab: BpeVocabulary, options: TokenizerFileOptions): void {
  mkdirSync(dir, { recursive: true });
  writeJsonAtomically(join(dir, 'tokenizer.json'), tokenizerJson(vocab));
  writeJsonAtomically(join(dir, 'tokenizer_config.json'), tokenizerConfigJson(vocab, options));
}
