import { SplitPreTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { sampleCorpus } from '../src';
import { JsonFields } from '../src/json-fields';
import { createPreTokenizer } from '../src/pre-tokenizer';
import { translateOnigurumaPattern } from '../src/regex';

function compile(pattern: string): RegExp {
  return new RegExp(
    translateOnigurumaPattern(pattern, (detail) => {
      throw new Error(detail);
    }),
    'gu',
  );
}

const matches = (pattern: string, text: string) => text.match(compile(pattern)) ?? [];

describe('Oniguruma pattern translation', () => {
  it('folds ASCII case inside (?i:...) only', () => {
    expect(matches("(?i:'s|'ll)x", "'sx 'Sx 'LLx 'SX")).toEqual(["'sx", "'Sx", "'LLx"]);
    expect(matches('(?i:[a-c])z', 'Az bz Cz dz')).toEqual(['Az', 'bz', 'Cz']);
  });

  it('gives \\s, \\d and \\w their Unicode meaning', () => {
    expect(matches('\\s+', 'a\u0085b\u3000c\ufeffd')).toEqual(['\u0085', '\u3000']);
    expect(matches('\\d+', '12٣४ x')).toEqual(['12٣४']);
    expect(matches('\\w+', 'naïve_東京 !')).toEqual(['naïve_東京']);
    expect(matches('[^\\s\\p{L}]+', 'ab 12!? c')).toEqual(['12!?']);
  });

  it('accepts possessive quantifiers, atomic groups, \\x{...}, script names and {,n}', () => {
    expect(matches('\\p{N}{1,3}', '12345')).toEqual(['123', '45']);
    expect(matches('a++b', 'aaab')).toEqual(['aaab']);
    expect(matches('(?>ab|a)c', 'abc ac')).toEqual(['abc', 'ac']);
    expect(matches('\\x{4E00}-\\x{9FFF}', '\u4e00-\u9fff')).toEqual(['\u4e00-\u9fff']);
    expect(matches('\\p{Han}+', 'abc漢字def')).toEqual(['漢字']);
    expect(matches('xa{,2}', 'xaaa x')).toEqual(['xaa', 'x']);
    expect(matches('{x}', '{x}')).toEqual(['{x}']);
  });

  it('keeps line semantics for . ^ $', () => {
    expect(matches('^.+$', 'ab\ncd\r\n')).toEqual(['ab', 'cd\r']);
  });

  it('rejects what it cannot translate', () => {
    expect(() => compile('[a[b]]')).toThrow('nested classes');
    expect(() => compile('(?i)abc')).toThrow('unsupported group');
    expect(() => compile('\\Kx')).toThrow('unsupported escape');
    expect(() => compile('a{2}+')).toThrow('stacked quantifier');
  });

  it("splits like @huggingface/tokenizers' translation with real models' split patterns", () => {
    const patterns = {
      gpt4o:
        "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      deepseekCjk: '[一-龥\u3040-ゟ゠-ヿ]+',
      deepseekPunctuation:
        '[!"#$%&\'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+',
    };
    const text = sampleCorpus({ bytes: 100_000, seed: 9 });
    for (const [name, regex] of Object.entries(patterns)) {
      const config = {
        type: 'Split' as const,
        pattern: { Regex: regex },
        behavior: 'Isolated' as const,
        invert: false,
      };
      const pieces: string[] = [];
      createPreTokenizer(JsonFields.of(config, name)).preTokenizer!.split(text, true, (piece) =>
        pieces.push(piece),
      );
      expect(pieces, name).toEqual(new SplitPreTokenizer(config).pre_tokenize_text(text));
    }
  });
});
