import { Tokenizer as HuggingFaceTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { type JsonObject, Tokenizer } from '../src';
import { added, toyByteLevel, toySentencePiece } from './toy-tokenizers';

function both(json: JsonObject) {
  return { ours: new Tokenizer(json), reference: new HuggingFaceTokenizer(json, {}) };
}

describe('byte-level BPE on a toy vocabulary', () => {
  const texts = ['hello world', 'hello  world\n\tlo', 'hellohello worldworld', "it's éé 🙂", ''];

  it('reads merges in both the "a b" and the [a, b] form, matching @huggingface/tokenizers', () => {
    const strings = both(toyByteLevel({ mergeForm: 'string' }));
    const arrays = new Tokenizer(toyByteLevel({ mergeForm: 'array' }));
    for (const text of texts) {
      expect(strings.ours.encode(text)).toEqual(strings.reference.encode(text).ids);
      expect(arrays.encode(text)).toEqual(strings.ours.encode(text));
      expect(strings.ours.decode(strings.ours.encode(text))).toBe(text);
    }
    const hello = strings.ours.tokenToId('hello')!;
    expect(strings.ours.encode('hello')).toEqual([hello]);
  });

  it('honours ignore_merges: a word in the vocabulary is taken whole', () => {
    // "ollo" is in the vocab but unreachable by merges ("l l" ranks before "l o").
    const withMerges = new Tokenizer(toyByteLevel({ extraVocab: ['ollo'] }));
    const { ours, reference } = both(toyByteLevel({ extraVocab: ['ollo'], ignoreMerges: true }));
    const ollo = ours.tokenToId('ollo')!;
    expect(withMerges.encode('ollo')).not.toEqual([ollo]);
    expect(ours.encode('ollo')).toEqual([ollo]);
    expect(ours.encode('ollo hello')).toEqual(reference.encode('ollo hello').ids);
  });

  it('splits added tokens with lstrip / rstrip like @huggingface/tokenizers', () => {
    const { ours, reference } = both(
      toyByteLevel({
        addedTokens: [
          added(300, '<mask>', { lstrip: true }),
          added(301, '<sep>', { rstrip: true }),
          added(302, '<mask><sep>'),
        ],
      }),
    );
    for (const text of ['a  <mask> b', 'a <sep>   b', 'x<mask><sep>y', ' <mask><mask> <sep> <sep> ']) {
      expect(ours.encode(text), text).toEqual(reference.encode(text).ids);
    }
    expect(ours.encode('a  <mask> b')).toEqual([...ours.encode('a'), 300, ...ours.encode(' b')]);
    expect(ours.encode('x<mask><sep>y')).toEqual([...ours.encode('x'), 302, ...ours.encode('y')]);
  });

  it('matches single_word tokens only as whole words (the Rust rule)', () => {
    const ours = new Tokenizer(toyByteLevel({ addedTokens: [added(300, 'lo', { single_word: true })] }));
    expect(ours.encode('lo')).toEqual([300]);
    expect(ours.encode('a lo b')).toEqual([...ours.encode('a '), 300, ...ours.encode(' b')]);
    expect(ours.encode('hello')).not.toContain(300);
    expect(ours.encode('lol')).not.toContain(300);
  });

  it('matches normalized added tokens after the normalizer runs', () => {
    const json = toyByteLevel({
      normalizer: { type: 'Lowercase' },
      addedTokens: [added(300, '<tool>', { special: false, normalized: true })],
    });
    const { ours, reference } = both(json);
    for (const text of ['Use <TOOL> now', 'HELLO<tool>World']) {
      expect(ours.encode(text)).toEqual(reference.encode(text).ids);
      expect(ours.encode(text)).toContain(300);
    }
  });
});

describe('SentencePiece-style BPE (Prepend/Replace normalizers, byte fallback, Strip decoder)', () => {
  it('matches @huggingface/tokenizers and round-trips, bytes for unknown characters included', () => {
    const { ours, reference } = both(toySentencePiece());
    for (const text of ['hello world', 'hello  wörld 中', 'world</s>hello']) {
      expect(ours.encode(text), text).toEqual(reference.encode(text).ids);
    }
    for (const text of ['hello world', 'hello  wörld 中']) {
      expect(ours.decode(ours.encode(text), { skipSpecialTokens: true })).toBe(text);
    }
    // Each section after a special token gets its own "▁" prefix, as in LLaMA-2.
    expect(ours.decode(ours.encode('world</s>hello'), { skipSpecialTokens: true })).toBe('world hello');
    expect(ours.encode('hello world')).toEqual([1, ours.tokenToId('▁hello'), ours.tokenToId('▁world')]);
    const detokenizer = ours.createDetokenizer({ skipSpecialTokens: true });
    const ids = ours.encode('hello 中 world');
    expect(ids.map((id) => detokenizer.push(id)).join('') + detokenizer.flush()).toBe('hello 中 world');
  });

  it('splits with a Metaspace pre-tokenizer and decodes with its decoder', () => {
    const json = toySentencePiece();
    const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true };
    const ours = new Tokenizer({ ...json, normalizer: null, pre_tokenizer: metaspace, decoder: metaspace });
    const id = (token: string) => ours.tokenToId(token)!;
    expect(ours.encode('hello world', { addSpecialTokens: false })).toEqual([id('▁hello'), id('▁world')]);
    // prepend_scheme "first": only the section at the start of the input gets the prefix.
    expect(ours.encode('<s>hello', { addSpecialTokens: false })).toEqual([
      1,
      id('h'),
      id('e'),
      id('ll'),
      id('o'),
    ]);
    expect(ours.decode([id('▁hello'), id('▁world')])).toBe('hello world');
  });
});
