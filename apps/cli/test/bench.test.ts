import { describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from './run-cli';

interface BenchJson {
  matmul: { m: number; k: number; n: number; gflops: number }[];
  ops: { op: string; backend: string; ms: number }[];
  forward: { seq: number; gflops: number; ratio: number }[];
}

describe('unmask bench backend', () => {
  it('prints one JSON object with matmul, per-op and forward results', () => {
    const { code, stdout, stderr } = runCli(['bench', 'backend', '--quick', '--json']);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<BenchJson>(stdout);
    expect(result.matmul.length).toBeGreaterThan(0);
    for (const m of result.matmul) expect(m.gflops).toBeGreaterThan(0);
    const backends = new Set(result.ops.map((o) => o.backend));
    expect(backends).toEqual(new Set(['ort', 'cpu']));
    expect(new Set(result.ops.map((o) => o.op)).size).toBe(18);
    expect(result.forward[0]!.ratio).toBeGreaterThan(0);
  });

  it('bench tokenizer compares our BPE with @huggingface/tokenizers on the same text', () => {
    const { code, stdout, stderr } = runCli(['bench', 'tokenizer', '--quick', '--json']);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<{ identical: boolean; tokens: number; ours: { tokensPerSecond: number } }>(
      stdout,
    );
    expect(result.identical).toBe(true);
    expect(result.tokens).toBeGreaterThan(1000);
    expect(result.ours.tokensPerSecond).toBeGreaterThan(0);
  });

  it('rejects an unknown benchmark with exit code 2', () => {
    const { code, stderr } = runCli(['bench', 'nothing']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown benchmark 'nothing'/);
  });
});
