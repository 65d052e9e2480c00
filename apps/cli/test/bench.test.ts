import { describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from './run-cli';

interface BenchJson {
  matmul: { m: number; k: number; n: number; gflops: number }[];
  ops: { op: string; backend: string; ms: number }[];
  forward: { seq: number; gflops: number; ratio: number }[];
}

interface CacheBenchJson {
  cases: {
    name: string;
    policy: string;
    speedup: number;
    flopsReduction: number;
    efficiency: number;
    policyFlops: number;
    noneFlops: number;
  }[];
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

  it('bench cache reports speedup, FLOPs reduction and efficiency of every case and policy', () => {
    const { code, stdout, stderr } = runCli(['bench', 'cache', '--quick', '--json']);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<CacheBenchJson>(stdout);
    expect(result.cases.map((c) => c.policy)).toEqual([
      'dllm-cache',
      'prefix',
      'dual',
      'dllm-cache',
      'prefix',
      'dual',
    ]);
    expect(new Set(result.cases.map((c) => c.name)).size).toBe(2);
    for (const c of result.cases) {
      expect(c.speedup, `${c.name} ${c.policy}`).toBeGreaterThan(0);
      expect(c.flopsReduction, `${c.name} ${c.policy}`).toBeGreaterThan(1);
      expect(c.efficiency).toBeCloseTo(c.speedup / c.flopsReduction, 10);
      expect(c.noneFlops).toBeGreaterThan(c.policyFlops);
    }
    // The last line is the whole result; progress went to stderr.
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/dllm-cache/);
  });

  it("bench cache --ops profiles dllm-cache's cached steps op by op against none", () => {
    const { code, stdout, stderr } = runCli(['bench', 'cache', '--ops', '--quick', '--json']);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<{
      none: { steps: number; gflops: number };
      cached: { steps: number; msPerStep: number; gflops: number; outsideOpsMsPerStep: number };
      efficiency: number;
      ops: { op: string; shape: string; callsPerStep: number; msPerStep: number }[];
    }>(stdout);
    // 16 steps: the first is a full pass and Kr = 8 refreshes step 8; a none step every 4.
    expect(result.cached.steps).toBe(14);
    expect(result.none.steps).toBe(4);
    expect(result.efficiency).toBeCloseTo(result.cached.gflops / result.none.gflops, 10);
    // V-verify's cosine runs once per layer >= 1 (3 of them), attention over the selected rows too.
    const cosine = result.ops.filter((o) => o.op === 'cosineRows');
    expect(cosine.map((o) => o.callsPerStep)).toEqual([3]);
    const opsMs = result.ops.reduce((sum, o) => sum + o.msPerStep, 0);
    expect(opsMs + result.cached.outsideOpsMsPerStep).toBeCloseTo(result.cached.msPerStep, 6);
    expect(result.cached.outsideOpsMsPerStep).toBeGreaterThan(0);
    expect(runCli(['bench', 'train', '--ops']).code).toBe(2);
  });

  it('bench train reports training throughput as a ratio to bare MatMul', () => {
    const { code, stdout, stderr } = runCli(['bench', 'train', '--quick', '--json']);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<{
      tokensPerSecond: number;
      gflops: number;
      ratio: number;
      bareMatmul: { gflops: number };
    }>(stdout);
    expect(result.tokensPerSecond).toBeGreaterThan(0);
    expect(result.bareMatmul.gflops).toBeGreaterThan(0);
    expect(result.ratio).toBeCloseTo(result.gflops / result.bareMatmul.gflops, 6);
  });

  it('rejects an unknown benchmark with exit code 2', () => {
    const { code, stderr } = runCli(['bench', 'nothing']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown benchmark 'nothing'/);
  });
});
