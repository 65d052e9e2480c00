import { describe, expect, it } from 'vitest';
import { createDetokenizer } from '../src';
import { loadPair, QWEN3_TOKENIZER } from './helpers';

function stream(push: (id: number) => string, ids: readonly number[]): string[] {
  return ids.map(push);
}

describe('streaming detokenization', () => {
  it('never emits a broken character when emoji and CJK are split across byte-level tokens', async () => {
    const qwen = (await loadPair(QWEN3_TOKENIZER)).ours;
    const text = 'Rocket 🧑🏿‍🚀 to 𝄞 and 龘靐齉 — 扩散模型！👨‍👩‍👧‍👦 done 🇯🇵.';
    const ids = qwen.encode(text);
    // The premise: some tokens carry only part of a character.
    expect(ids.some((id) => qwen.decode([id]).includes('\uFFFD'))).toBe(true);

    const detokenizer = qwen.createDetokenizer();
    const chunks = stream((id) => detokenizer.push(id), ids);
    expect(chunks.filter((chunk) => chunk === '').length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      expect(chunk).not.toContain('\uFFFD');
      expect(chunk).not.toMatch(/\p{Cs}/u); // no lone surrogate
    }
    expect(chunks.join('') + detokenizer.flush()).toBe(text);
  });

  it('adds up to decode() on a long mixed text, special tokens skipped or not', async () => {
    const qwen = (await loadPair(QWEN3_TOKENIZER)).ours;
    const text =
      '<|im_start|>user\nこんにちは 🌍! Ünïcödé, café.<|im_end|>\n<|im_start|>assistant\n안녕 🙂🙃 ok<|im_end|>';
    const ids = qwen.encode(text);
    for (const skipSpecialTokens of [false, true]) {
      const detokenizer = qwen.createDetokenizer({ skipSpecialTokens });
      const streamed = stream((id) => detokenizer.push(id), ids).join('') + detokenizer.flush();
      expect(streamed).toBe(qwen.decode(ids, { skipSpecialTokens }));
    }
  });

  it('holds back an unfinished sequence and flushes it as U+FFFD, as decode() does', async () => {
    const qwen = (await loadPair(QWEN3_TOKENIZER)).ours;
    const leadByte = qwen.tokenToId('ð')!; // byte 0xF0: starts a 4-byte sequence
    const detokenizer = qwen.createDetokenizer();
    expect(detokenizer.push(qwen.tokenToId('a')!)).toBe('a');
    expect(detokenizer.push(leadByte)).toBe('');
    expect(detokenizer.flush()).toBe('\uFFFD');
    expect(qwen.decode([leadByte])).toBe('\uFFFD');
    // After a flush it starts over.
    expect(detokenizer.push(qwen.tokenToId('b')!)).toBe('b');
  });

  it('keeps position-dependent decoders right (a first-token rule applies once)', () => {
    // A toy decoder that drops the leading space of the first token only, like Metaspace.
    const tokens = [' Hello', ' world', ',', ' again'];
    const decode = (ids: number[]) =>
      ids.map((id, i) => (i === 0 ? tokens[id]!.trimStart() : tokens[id]!)).join('');
    const detokenizer = createDetokenizer(decode);
    expect([0, 1, 2, 3].map((id) => detokenizer.push(id)).join('')).toBe('Hello world, again');
  });
});
