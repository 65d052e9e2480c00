import { TokenizerFormatError, UnsupportedTokenizerError } from './errors';
import { isJsonObject, JsonFields, type JsonObject } from './json-fields';
import { specialTokenContent } from './special-tokens';

/** Qwen2's split (transformers' Qwen2Tokenizer / Qwen2Converter), shared by Qwen2.5, Qwen3 and Dream. */
const QWEN2_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** The slow tokenizer classes whose vocab.json + merges.txt we know how to convert, and their split. */
const TOKENIZER_CLASSES: Record<string, 'gpt2' | 'qwen2'> = {
  GPT2Tokenizer: 'gpt2',
  GPT2TokenizerFast: 'gpt2',
  Qwen2Tokenizer: 'qwen2',
  Qwen2TokenizerFast: 'qwen2',
  DreamTokenizer: 'qwen2',
};

export interface Gpt2LayoutFiles {
  /** Parsed vocab.json. */
  vocab: unknown;
  /** merges.txt as text. */
  merges: string;
  /** Parsed added_tokens.json, if present. */
  addedTokens?: unknown;
  /** tokenizer_config.json merged with special_tokens_map.json. */
  config: JsonObject;
}

function mergeLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > 0 && !line.startsWith('#version'));
}

function configuredSpecialContents(config: JsonObject): Set<string> {
  const contents = new Set<string>();
  for (const [key, value] of Object.entries(config)) {
    const content = key.endsWith('_token') ? specialTokenContent(value) : undefined;
    if (content !== undefined) contents.add(content);
  }
  const additional = config['additional_special_tokens'];
  if (Array.isArray(additional)) {
    for (const value of additional) {
      const content = specialTokenContent(value);
      if (content !== undefined) contents.add(content);
    }
  }
  return contents;
}

/** tokenizer_config's `added_tokens_decoder` (with flags), then added_tokens.json's plain content -> id. */
function addedTokenEntries(files: Gpt2LayoutFiles): JsonObject[] {
  const byId = new Map<number, JsonObject>();
  const decoder = files.config['added_tokens_decoder'];
  if (isJsonObject(decoder)) {
    for (const [id, entry] of Object.entries(decoder)) {
      byId.set(Number(id), {
        ...JsonFields.of(entry, 'tokenizer_config.json', `added_tokens_decoder.${id}`).value,
        id: Number(id),
      });
    }
  }
  if (files.addedTokens !== undefined) {
    const special = configuredSpecialContents(files.config);
    const added = JsonFields.of(files.addedTokens, 'added_tokens.json');
    for (const content of Object.keys(added.value)) {
      const id = added.integer(content);
      if (byId.has(id)) continue;
      const isSpecial = special.has(content);
      byId.set(id, {
        id,
        content,
        special: isSpecial,
        normalized: !isSpecial,
        lstrip: false,
        rstrip: false,
        single_word: false,
      });
    }
  }
  return [...byId.values()].sort((a, b) => (a['id'] as number) - (b['id'] as number));
}

/** BOS / EOS around the sequence when `add_bos_token` / `add_eos_token` ask for them (GPT2Tokenizer). */
function postProcessor(config: JsonObject, idOf: (content: string) => number | undefined): JsonObject {
  const specialTokens: JsonObject = {};
  const special = (flag: string, key: string): JsonObject[] => {
    const content = specialTokenContent(config[key]);
    if (config[flag] !== true || content === undefined) return [];
    const id = idOf(content);
    if (id === undefined)
      throw new TokenizerFormatError('tokenizer_config.json', `${key} "${content}" is not in the vocab`);
    specialTokens[content] = { id: content, ids: [id], tokens: [content] };
    return [{ SpecialToken: { id: content, type_id: 0 } }];
  };
  const single = [
    ...special('add_bos_token', 'bos_token'),
    { Sequence: { id: 'A', type_id: 0 } },
    ...special('add_eos_token', 'eos_token'),
  ];
  if (single.length === 1)
    return { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  return { type: 'TemplateProcessing', single, special_tokens: specialTokens };
}

/**
 * Builds the tokenizer.json that transformers' converter would produce from the older GPT-2 layout
 * (vocab.json + merges.txt + added_tokens.json + tokenizer_config.json), which Dream ships.
 */
export function gpt2LayoutToTokenizerJson(files: Gpt2LayoutFiles): JsonObject {
  const className =
    typeof files.config['tokenizer_class'] === 'string' ? files.config['tokenizer_class'] : 'GPT2Tokenizer';
  const split = TOKENIZER_CLASSES[className];
  if (!split)
    throw new UnsupportedTokenizerError('tokenizer_class', className, Object.keys(TOKENIZER_CLASSES));
  const addPrefixSpace = files.config['add_prefix_space'] === true;
  const vocab = JsonFields.of(files.vocab, 'vocab.json').value;
  const addedTokens = addedTokenEntries(files);
  const byteLevel = {
    type: 'ByteLevel',
    add_prefix_space: addPrefixSpace,
    trim_offsets: false,
    use_regex: split === 'gpt2',
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: split === 'qwen2' ? { type: 'NFC' } : null,
    pre_tokenizer:
      split === 'qwen2'
        ? {
            type: 'Sequence',
            pretokenizers: [
              { type: 'Split', pattern: { Regex: QWEN2_PATTERN }, behavior: 'Isolated', invert: false },
              byteLevel,
            ],
          }
        : byteLevel,
    post_processor: postProcessor(files.config, (content) => {
      const added = addedTokens.find((token) => token['content'] === content);
      return (added?.['id'] as number | undefined) ?? (vocab[content] as number | undefined);
    }),
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: mergeLines(files.merges),
    },
  };
}
