import type { JsonObject } from '../src';
import { BYTE_TO_CHAR_CODE } from '../src/byte-level';

const BYTE_CHARS = Array.from(BYTE_TO_CHAR_CODE, (code) => String.fromCharCode(code));
/** Merges of a toy byte-level vocabulary: "hello", " world", "lo". */
const MERGES: [string, string][] = [
  ['h', 'e'],
  ['l', 'l'],
  ['he', 'll'],
  ['hell', 'o'],
  ['Ġ', 'w'],
  ['o', 'r'],
  ['Ġw', 'or'],
  ['l', 'd'],
  ['Ġwor', 'ld'],
  ['l', 'o'],
];

export interface ToyOptions {
  mergeForm?: 'string' | 'array';
  ignoreMerges?: boolean;
  extraVocab?: string[];
  addedTokens?: JsonObject[];
  normalizer?: JsonObject | null;
}

export function toyByteLevel(options: ToyOptions = {}): JsonObject {
  const tokens = [...BYTE_CHARS, ...MERGES.map(([a, b]) => a + b), ...(options.extraVocab ?? [])];
  const vocab = Object.fromEntries(tokens.map((token, id) => [token, id]));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };
  return {
    version: '1.0',
    added_tokens: options.addedTokens ?? [],
    normalizer: options.normalizer ?? null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      vocab,
      merges: options.mergeForm === 'array' ? MERGES : MERGES.map(([a, b]) => `${a} ${b}`),
      ignore_merges: options.ignoreMerges ?? false,
    },
  };
}

export function added(id: number, content: string, flags: Partial<Record<string, boolean>> = {}): JsonObject {
  return {
    id,
    content,
    special: true,
    normalized: false,
    lstrip: false,
    rstrip: false,
    single_word: false,
    ...flags,
  };
}

/** A LLaMA-2 / Mistral style SentencePiece BPE: metaspace via normalizers, byte fallback, Strip decoder. */
export function toySentencePiece(): JsonObject {
  const pieces = [
    '▁',
    'h',
    'e',
    'l',
    'o',
    'w',
    'r',
    'd',
    '▁h',
    '▁he',
    'll',
    '▁hell',
    '▁hello',
    '▁w',
    'or',
    '▁wor',
    '▁worl',
    '▁world',
  ];
  const bytes = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  const tokens = ['<unk>', '<s>', '</s>', ...bytes, ...pieces];
  const merges = ['▁ h', '▁h e', 'l l', '▁he ll', '▁hell o', '▁ w', 'o r', '▁w or', '▁wor l', '▁worl d'];
  const special = (id: number, content: string) => added(id, content);
  return {
    version: '1.0',
    added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
      merges,
      unk_token: '<unk>',
      fuse_unk: true,
      byte_fallback: true,
    },
  };
}
