import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, lastJsonLine, runCli } from './run-cli';

describe('unmask logits', () => {
  it('prints the official logits of a fixture model as JSON', async () => {
    const { readFileSync } = await import('node:fs');
    const fixture = JSON.parse(readFileSync(`${FIXTURES}/llada-tiny-1/forward.json`, 'utf8'));
    const c = fixture.cases[0];
    const { code, stdout, stderr } = runCli([
      'logits',
      '--model',
      `${FIXTURES}/llada-tiny-1`,
      '--ids',
      c.input_ids.join(','),
      '--json',
    ]);
    expect(stderr).toMatch(/loaded llada model/);
    expect(code).toBe(0);
    const { logits } = lastJsonLine<{ logits: number[][] }>(stdout);
    const bytes = Buffer.from(c.logits_b64, 'base64');
    const expected = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const [seq, vocab] = c.logits_shape;
    expect(logits.length).toBe(seq);
    let maxDiff = 0;
    let maxRef = 0;
    logits.forEach((row, p) => {
      expect(row.length).toBe(vocab);
      row.forEach((v, j) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - expected[p * vocab + j]!));
        maxRef = Math.max(maxRef, Math.abs(expected[p * vocab + j]!));
      });
    });
    expect(maxDiff / maxRef).toBeLessThan(1e-4);
  });

  it('refuses ids outside the vocabulary with a usage error', () => {
    const { code, stderr } = runCli(['logits', '--model', `${FIXTURES}/llada-tiny-1`, '--ids', '1,99999']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/99999 is outside the vocabulary/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a malformed config.json without a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unmask-bad-model-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'llada', d_model: 64, n_heads: 5 }));
    const { code, stderr } = runCli(['logits', '--model', dir, '--ids', '1']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/d_model 64 is not a multiple of n_heads 5/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('unmask inspect', () => {
  it('describes a checkpoint without loading it', () => {
    const { code, stdout } = runCli(['inspect', `${FIXTURES}/dream-tiny-1`, '--json']);
    expect(code).toBe(0);
    const report = lastJsonLine<{
      family: string;
      parameters: number;
      dtypes: Record<string, number>;
      bytesOnDisk: number;
    }>(stdout);
    expect(report.family).toBe('dream');
    // 2 layers of q/k/v (+bias), o, gate/up/down, norms, plus embedding, final norm and head.
    const w = 112;
    const kv = 16;
    const f = 224;
    const layer = w * w + w + 2 * (kv * w + kv) + w * w + 3 * w * f + 2 * w;
    expect(report.parameters).toBe(2 * layer + 320 * w * 2 + w);
    expect(report.dtypes).toEqual({ F32: report.parameters });
    expect(report.bytesOnDisk).toBeGreaterThan(report.parameters * 4);
  });
});

describe('unmask', () => {
  it('lists its commands and rejects unknown ones with exit code 2', () => {
    expect(runCli(['--help']).stdout).toMatch(/generate[\s\S]*inspect[\s\S]*logits[\s\S]*bench/);
    const unknown = runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
