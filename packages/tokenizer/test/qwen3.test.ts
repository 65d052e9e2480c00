import { describe, expect, it } from 'vitest';
import { describeEquality } from './equality-suite';
import { loadPair, QWEN3_TOKENIZER } from './helpers';

// Qwen3 normalizes to NFC, so its round trip gives the NFC form of the text.
describeEquality('Qwen3', QWEN3_TOKENIZER, 3, (text) => text.normalize('NFC'));

describe('Qwen3 special tokens and vocabulary', () => {
  it('reads Qwen3 special tokens from tokenizer_config.json', async () => {
    const qwen = (await loadPair(QWEN3_TOKENIZER)).ours;
    expect(qwen.vocabSize).toBe(151669);
    expect(qwen.eosTokenId).toBe(151645);
    expect(qwen.padTokenId).toBe(151643);
    expect(qwen.bosTokenId).toBeUndefined();
    expect(qwen.maskTokenId).toBeUndefined();
    expect(qwen.tokenToId('<|im_start|>')).toBe(151644);
    expect(qwen.idToToken(151644)).toBe('<|im_start|>');
    expect(qwen.tokenToId('Ġhello')).toBe(23811);
    expect(qwen.idToToken(23811)).toBe('Ġhello');
    expect(qwen.isSpecialId(151644)).toBe(true);
    expect(qwen.isSpecialId(23811)).toBe(false);
    expect(qwen.encode('<|im_start|>user')).toEqual([151644, 872]);
  });
});
