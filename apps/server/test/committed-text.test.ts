import { loadTokenizer, type Tokenizer } from '@unmask/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { CommittedText } from '../src/generation/committed-text';
import { SHIPPED_MODEL_DIR } from './helpers/model-copy';

const EOS = 2046;
const PROMPT = 3;

let tokenizer: Tokenizer;
beforeAll(async () => {
  tokenizer = await loadTokenizer(SHIPPED_MODEL_DIR);
});

describe('CommittedText', () => {
  it('emits text only for the committed prefix, whatever the commit order', () => {
    const ids = tokenizer.encode(' To be, or not to be');
    const text = new CommittedText(tokenizer, PROMPT, ids.length, EOS);
    const order = [...ids.keys()].reverse();
    const pieces = order.map((i) => text.commit([[PROMPT + i, ids[i]!]]));
    expect(pieces.slice(0, -1).every((piece) => piece === '')).toBe(true);
    expect(pieces.join('') + text.complete(ids)).toBe(tokenizer.decode(ids));
    expect(text.text).toBe(tokenizer.decode(ids));
    expect(text.finishReason).toBe('length');
    expect(text.tokenCount).toBe(ids.length);
  });

  it('ends the text at the first EOS, even when later positions were committed first', () => {
    const words = tokenizer.encode(' Good night');
    const response = [...words, EOS, ...tokenizer.encode(' ignored'), EOS];
    const text = new CommittedText(tokenizer, PROMPT, response.length, EOS);
    expect(text.commit([[PROMPT + response.length - 2, response.at(-2)!]])).toBe('');
    let streamed = '';
    for (let i = 0; i < response.length; i++) streamed += text.commit([[PROMPT + i, response[i]!]]);
    streamed += text.complete(response);
    expect(streamed).toBe(tokenizer.decode(words));
    expect(text.finishReason).toBe('stop');
    expect(text.tokenCount).toBe(words.length);
  });

  it('ends the text before the first stop sequence, never streaming part of it', () => {
    const ids = tokenizer.encode('ROMEO:\nGood night.\n\nJULIET:\nGood night.');
    const text = new CommittedText(tokenizer, PROMPT, ids.length, EOS, ['\n\nJULIET', 'never']);
    const pieces = [...ids.keys()].map((i) => text.commit([[PROMPT + i, ids[i]!]]));
    pieces.push(text.complete(ids));
    expect(pieces.join('')).toBe('ROMEO:\nGood night.');
    expect(pieces.every((piece) => !piece.includes('\n\n'))).toBe(true);
    expect(text.text).toBe('ROMEO:\nGood night.');
    expect(text.finishReason).toBe('stop');
    const before = tokenizer.encode('ROMEO:\nGood night.').length;
    expect(text.tokenCount).toBeGreaterThanOrEqual(before);
    expect(text.tokenCount).toBeLessThan(ids.length);
  });

  it('releases a held-back tail that turned out not to be a stop sequence', () => {
    const ids = tokenizer.encode('Good night.\n\nGood morrow.');
    const text = new CommittedText(tokenizer, PROMPT, ids.length, EOS, ['\n\nJULIET']);
    let streamed = '';
    for (let i = ids.length - 1; i >= 0; i--) streamed += text.commit([[PROMPT + i, ids[i]!]]);
    expect(streamed.length).toBeLessThan(tokenizer.decode(ids).length);
    streamed += text.complete(ids);
    expect(streamed).toBe(tokenizer.decode(ids));
    expect(text.finishReason).toBe('length');
    expect(text.tokenCount).toBe(ids.length);
  });
});
