import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnmaskError } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import {
  gpt2LayoutToTokenizerJson,
  loadTokenizer,
  Tokenizer,
  TokenizerError,
  TokenizerFilesNotFoundError,
  TokenizerFormatError,
  UnsupportedTokenizerError,
} from '../src';

const MINIMAL = {
  added_tokens: [],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
  post_processor: null,
  decoder: { type: 'ByteLevel' },
  model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] },
};

function withModel(model: Record<string, unknown>) {
  return { ...MINIMAL, model: { ...MINIMAL.model, ...model } };
}

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'unmask-tokenizer-'));
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('typed errors', () => {
  it('reports a directory without tokenizer files, naming what it looked for', async () => {
    const dir = tempDir({ 'config.json': '{}' });
    const error = await loadTokenizer(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenizerFilesNotFoundError);
    expect(error).toBeInstanceOf(TokenizerError);
    expect(error).toBeInstanceOf(UnmaskError);
    expect((error as Error).message).toContain('tokenizer.json, vocab.json + merges.txt');
    await expect(loadTokenizer(join(dir, 'missing'))).rejects.toThrow(TokenizerFilesNotFoundError);
  });

  it('reports malformed JSON with the file name', async () => {
    const dir = tempDir({ 'tokenizer.json': '{"model": ' });
    const error = await loadTokenizer(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenizerFormatError);
    expect((error as TokenizerFormatError).file).toBe(join(dir, 'tokenizer.json'));
    await expect(loadTokenizer(tempDir({ 'tokenizer.json': '[1, 2]' }))).rejects.toThrow(
      TokenizerFormatError,
    );
  });

  it('reports missing or mistyped fields with their JSON path', () => {
    expect(() => new Tokenizer({ ...MINIMAL, model: undefined })).toThrow('$.model must be an object');
    expect(() => new Tokenizer(withModel({ vocab: { a: 'zero' } }))).toThrow('id of "a" must be an integer');
    expect(() => new Tokenizer(withModel({ merges: ['a c'] }))).toThrow(
      'merge 0 "a c" uses a token that is not in the vocab',
    );
    expect(() => new Tokenizer(withModel({ merges: ['ab'] }))).toThrow('merge 0 "ab" is not "left right"');
    expect(
      () =>
        new Tokenizer(
          withModel({
            merges: [
              ['a', 'b'],
              [1, 2],
            ],
          }),
        ),
    ).toThrow('merge 1 must be');
    const badRegex = { type: 'Split', pattern: { Regex: '(?<name>x)\\' }, behavior: 'Isolated' };
    expect(() => new Tokenizer({ ...MINIMAL, pre_tokenizer: badRegex })).toThrow(TokenizerFormatError);
  });

  it('lists the supported types when a component is unknown', () => {
    const error = (() => {
      try {
        new Tokenizer(withModel({ type: 'WordPiece' }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedTokenizerError);
    expect((error as UnsupportedTokenizerError).supported).toEqual(['BPE']);
    expect((error as Error).message).toBe('unsupported model type "WordPiece"; supported: BPE');
    expect(() => new Tokenizer({ ...MINIMAL, pre_tokenizer: { type: 'BertPreTokenizer' } })).toThrow(
      'unsupported pre-tokenizer type "BertPreTokenizer"; supported: Split, ByteLevel, Metaspace, Digits, Sequence',
    );
    expect(() => new Tokenizer({ ...MINIMAL, normalizer: { type: 'Precompiled' } })).toThrow(
      /supported: NFC, NFD/,
    );
    expect(() => new Tokenizer({ ...MINIMAL, decoder: { type: 'CTC' } })).toThrow(
      /supported: ByteLevel, Metaspace/,
    );
    expect(() => new Tokenizer({ ...MINIMAL, post_processor: { type: 'Nope' } })).toThrow(
      /supported: TemplateProcessing/,
    );
    expect(() =>
      gpt2LayoutToTokenizerJson({ vocab: {}, merges: '', config: { tokenizer_class: 'LlamaTokenizer' } }),
    ).toThrow('unsupported tokenizer_class type "LlamaTokenizer"; supported: GPT2Tokenizer');
  });

  it('says so when a tokenizer has no chat template', () => {
    expect(() => new Tokenizer(MINIMAL).applyChatTemplate([{ role: 'user', content: 'x' }])).toThrow(
      TokenizerError,
    );
  });
});

describe('GPT-2 layout from files', () => {
  it('loads vocab.json + merges.txt + added_tokens.json and adds BOS when add_bos_token asks', async () => {
    const dir = tempDir({
      'vocab.json': JSON.stringify({ a: 0, b: 1, ab: 2, Ġ: 3, Ġab: 4 }),
      'merges.txt': '#version: 0.2\na b\nĠ ab\n',
      'added_tokens.json': JSON.stringify({ '<|endoftext|>': 5, '<extra>': 6 }),
      'tokenizer_config.json': JSON.stringify({ tokenizer_class: 'GPT2Tokenizer', add_bos_token: true }),
      'special_tokens_map.json': JSON.stringify({ bos_token: '<|endoftext|>', eos_token: '<|endoftext|>' }),
    });
    const tokenizer = await loadTokenizer(dir);
    expect(tokenizer.encode('ab ab<extra>')).toEqual([5, 2, 4, 6]);
    expect(tokenizer.encode('ab ab', { addSpecialTokens: false })).toEqual([2, 4]);
    expect(tokenizer.isSpecialId(5)).toBe(true);
    expect(tokenizer.isSpecialId(6)).toBe(false);
    expect(tokenizer.decode([5, 2, 4, 6], { skipSpecialTokens: true })).toBe('ab ab<extra>');
  });
});
