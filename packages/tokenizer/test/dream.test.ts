import { describe, expect, it } from 'vitest';
import { readTokenizerSource, sampleCorpus, Tokenizer, type TokenizerSource } from '../src';
import { DREAM_DIR, HAVE_REAL_CONFIGS, huggingFace, loadPair, QWEN3_TOKENIZER, SKIP_NOTE } from './helpers';

/** Qwen3 adds <think>, </think>, <tool_response>, </tool_response> where Dream has its own tokens. */
const NOT_SHARED = /<\/?think>|<\/?tool_response>|<\|beginoftext\|>|<\|mask\|>/g;

describe.skipIf(!HAVE_REAL_CONFIGS)(`Dream's GPT-2 layout (vocab.json + merges.txt)${SKIP_NOTE}`, () => {
  let loaded: Promise<{ source: TokenizerSource; dream: Tokenizer }> | undefined;
  const loadDream = () => {
    loaded ??= readTokenizerSource(DREAM_DIR).then((source) => ({
      source,
      dream: new Tokenizer(source.tokenizerJson, source.config, source.file),
    }));
    return loaded;
  };

  it("encodes plain text to the ids of Qwen3's tokenizer.json (same regular vocabulary)", async () => {
    const { dream } = await loadDream();
    const qwen = (await loadPair(QWEN3_TOKENIZER)).ours;
    const text = sampleCorpus({ bytes: 256 * 1024, seed: 11 }).replace(NOT_SHARED, '');
    const ids = dream.encode(text);
    expect(ids.length).toBeGreaterThan(50_000);
    expect(ids).toEqual(qwen.encode(text));
    expect(dream.decode(ids)).toBe(text.normalize('NFC'));
  });

  it('builds a tokenizer.json that @huggingface/tokenizers reads to the same ids', async () => {
    const { source, dream } = await loadDream();
    const text = `${sampleCorpus({ bytes: 32 * 1024, seed: 5 })}<|mask|><|mask|> <|beginoftext|>`;
    expect(dream.encode(text)).toEqual(huggingFace(source).encode(text).ids);
  });

  it('exposes its special tokens, mask included', async () => {
    const { dream } = await loadDream();
    expect(dream.specialTokens).toEqual({
      bos: { content: '<|beginoftext|>', id: 151665 },
      eos: { content: '<|endoftext|>', id: 151643 },
      pad: { content: '<|endoftext|>', id: 151643 },
      mask: { content: '<|mask|>', id: 151666 },
    });
    expect(dream.vocabSize).toBe(151667);
    // Qwen2Tokenizer adds no BOS/EOS, with or without addSpecialTokens.
    expect(dream.encode('Hi', { addSpecialTokens: true })).toEqual(
      dream.encode('Hi', { addSpecialTokens: false }),
    );
    expect(dream.encode('a<|mask|><|mask|>b')).toEqual([64, 151666, 151666, 65]);
    expect(dream.decode([64, 151666, 151666, 65], { skipSpecialTokens: true })).toBe('ab');
    // <tool_call> is an added token but not a special one.
    expect(dream.decode([151657, 151666], { skipSpecialTokens: true })).toBe('<tool_call>');
  });

  it('encodes its own chat template', async () => {
    const { dream } = await loadDream();
    const prompt = dream.applyChatTemplate([{ role: 'user', content: 'Hello' }], {
      addGenerationPrompt: true,
    });
    const ids = dream.encode(prompt);
    expect(ids.slice(0, 3)).toEqual([151644, 8948, 198]); // <|im_start|> system \n
    expect(ids.slice(-3)).toEqual([151644, 77091, 198]); // <|im_start|> assistant \n
    expect(dream.decode(ids)).toBe(prompt);
  });
});
