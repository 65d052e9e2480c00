import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchTokenizer } from '../src';
import { toyByteLevel } from './toy-tokenizers';

describe('benchTokenizer', () => {
  it('times both implementations on the same text and reports plain numbers', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'unmask-bench-')), 'tokenizer.json');
    writeFileSync(path, JSON.stringify(toyByteLevel()));
    const result = await benchTokenizer({ path, textBytes: 16 * 1024, minSeconds: 0.05 });
    expect(result.identical).toBe(true);
    expect(result.textBytes).toBeGreaterThanOrEqual(16 * 1024);
    expect(result.tokens).toBeGreaterThan(1000);
    for (const timing of [result.ours, result.huggingface]) {
      expect(timing.tokensPerSecond).toBeGreaterThan(0);
      expect(timing.coldTokensPerSecond).toBeGreaterThan(0);
      expect(timing.runs).toBeGreaterThanOrEqual(1);
    }
    expect(result.speedup).toBeCloseTo(result.ours.tokensPerSecond / result.huggingface.tokensPerSecond);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
