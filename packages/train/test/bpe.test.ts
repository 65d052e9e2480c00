import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HuggingFaceTokenizer } from '@huggingface/tokenizers';
import { inputGenerator } from '@unmask/tensor/conformance';
import { loadTokenizer } from '@unmask/tokenizer';
import { describe, expect, it } from 'vitest';
import { EOS_TOKEN, MASK_TOKEN, trainBpe, writeTokenizerFiles } from '../src';
import { tempDir } from './fixtures';

const WORDS = [
  'the',
  'king',
  'queen',
  'shall',
  'not',
  'pass',
  'thee',
  'thou',
  'art',
  'what',
  "o'er",
  "don't",
  'night',
];
const PUNCTUATION = [',', '.', '!', '?', ';', ':', ' --', "'s", '...'];

/** Seeded text with Shakespeare-ish words, punctuation, digits, runs of spaces and line breaks. */
function corpus(seed: string, words: number): string {
  const g = inputGenerator(seed);
  let text = '';
  for (let i = 0; i < words; i++) {
    const word = WORDS[g.int(WORDS.length)]!;
    text += g.int(8) === 0 ? word.toUpperCase() : word;
    const r = g.int(20);
    if (r === 0) text += PUNCTUATION[g.int(PUNCTUATION.length)]!;
    if (r === 1) text += ` ${g.int(1000)}`;
    text += r === 2 ? '\n' : r === 3 ? '  ' : r === 4 ? '\n\n' : ' ';
  }
  return text;
}

describe('byte-level BPE trainer', () => {
  const dir = tempDir('bpe');
  const vocab = trainBpe(corpus('train', 4000), { vocabSize: 400, specialTokens: [EOS_TOKEN, MASK_TOKEN] });
  writeTokenizerFiles(dir, vocab, { eosToken: EOS_TOKEN, maskToken: MASK_TOKEN, modelMaxLength: 512 });
  const heldOut = [
    corpus('held-out', 300),
    'Unseen: café, naïve, 中文, 🙂 and\ttabs\r\n  trailing   ',
    `${MASK_TOKEN}the king${EOS_TOKEN}`,
    '',
  ];

  it('learns the requested vocabulary: 256 bytes, merges, then the special tokens', () => {
    expect(vocab.tokens.length + vocab.specialTokens.length).toBe(400);
    expect(vocab.merges.length).toBe(vocab.tokens.length - 256);
    expect(vocab.specialTokens).toEqual([
      { content: EOS_TOKEN, id: 398 },
      { content: MASK_TOKEN, id: 399 },
    ]);
    // Frequent words become single tokens ("Ġ" is the byte-level space).
    expect(vocab.tokens).toContain('Ġthe');
    expect(vocab.tokens).toContain('Ġqueen');
  });

  it('writes a tokenizer.json that @unmask/tokenizer loads, with the mask and EOS tokens', async () => {
    const tokenizer = await loadTokenizer(dir);
    expect(tokenizer.vocabSize).toBe(400);
    expect(tokenizer.maskTokenId).toBe(399);
    expect(tokenizer.eosTokenId).toBe(398);
    expect(tokenizer.encode(`a${MASK_TOKEN}b`)).toEqual([
      ...tokenizer.encode('a'),
      399,
      ...tokenizer.encode('b'),
    ]);
    for (const text of heldOut) expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('gives the ids of @huggingface/tokenizers on held-out text', async () => {
    const ours = await loadTokenizer(dir);
    const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
    const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
    const reference = new HuggingFaceTokenizer(json, config);
    for (const text of heldOut) expect(ours.encode(text)).toEqual(reference.encode(text).ids);
  });

  it('stops early when no pair is frequent enough', () => {
    const small = trainBpe('ab ab ab cd', { vocabSize: 1000, specialTokens: [MASK_TOKEN] });
    expect(small.merges).toEqual([
      ['a', 'b'],
      ['Ġ', 'ab'],
    ]);
    expect(small.specialTokens).toEqual([{ content: MASK_TOKEN, id: 258 }]);
  });
});
