import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES, lastJsonLine, runCli } from './run-cli';

interface GenerateCase {
  name: string;
  prompt: number[];
  params: Record<string, number | string | null>;
  final: number[];
  steps: { committed_positions: number[]; committed_tokens: number[] }[];
}

function fixtureCase(model: string, name: string): GenerateCase {
  const fixture = JSON.parse(readFileSync(`${FIXTURES}/${model}/generate.json`, 'utf8'));
  return fixture.cases.find((c: GenerateCase) => c.name === name);
}

interface GenerateJson {
  ids: number[];
  steps: { step: number; committed: [number, number][] }[];
  flops: number;
  ms: number;
}

describe('unmask generate', () => {
  it('reproduces the official LLaDA trace through the CLI', () => {
    const c = fixtureCase('llada-tiny-1', 'g32_b8_s16');
    const { code, stdout, stderr } = runCli([
      'generate',
      '--model',
      `${FIXTURES}/llada-tiny-1`,
      '--prompt-ids',
      c.prompt.join(','),
      '--gen-length',
      String(c.params['gen_length']),
      '--block-length',
      String(c.params['block_length']),
      '--steps',
      String(c.params['steps']),
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<GenerateJson>(stdout);
    expect(result.ids).toEqual(c.final.slice(c.prompt.length));
    expect(result.steps.map((s) => s.committed)).toEqual(
      c.steps.map((s) => s.committed_positions.map((p, i) => [p, s.committed_tokens[i]])),
    );
    expect(result.flops).toBeGreaterThan(0);
  });

  it('reproduces the official Dream trace and takes Dream options', () => {
    const c = fixtureCase('dream-tiny-1', 'topk_margin_n24_s12');
    const { code, stdout, stderr } = runCli([
      'generate',
      '--model',
      `${FIXTURES}/dream-tiny-1`,
      '--prompt-ids',
      c.prompt.join(','),
      '--gen-length',
      String(c.params['max_new_tokens']),
      '--steps',
      String(c.params['steps']),
      '--alg',
      'topk_margin',
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    expect(lastJsonLine<GenerateJson>(stdout).ids).toEqual(c.final.slice(c.prompt.length));
  });

  it('runs dllm-cache with fewer FLOPs than no cache', () => {
    const c = fixtureCase('llada-tiny-1', 'g32_b8_s16');
    const base = [
      'generate',
      '--model',
      `${FIXTURES}/llada-tiny-1`,
      '--prompt-ids',
      c.prompt.join(','),
      '--gen-length',
      '32',
      '--block-length',
      '8',
      '--steps',
      '16',
      '--json',
    ];
    const none = lastJsonLine<GenerateJson>(runCli(base).stdout);
    const cached = lastJsonLine<GenerateJson>(
      runCli([...base, '--policy', 'dllm-cache', '--kp', '100', '--kr', '8', '--rho', '0.25']).stdout,
    );
    expect(cached.ids).toHaveLength(32);
    expect(cached.flops).toBeLessThan(none.flops);
  });

  it('refuses bad options with exit code 2 and names them', () => {
    const model = `${FIXTURES}/dream-tiny-1`;
    const blockForDream = runCli([
      'generate',
      '--model',
      model,
      '--prompt-ids',
      '1,2',
      '--block-length',
      '8',
    ]);
    expect(blockForDream.code).toBe(2);
    expect(blockForDream.stderr).toMatch(/--block-length does not apply to dream models/);
    const noTokenizer = runCli(['generate', '--model', model, '--prompt', 'hello']);
    expect(noTokenizer.code).toBe(2);
    expect(noTokenizer.stderr).toMatch(/no tokenizer files; use --prompt-ids/);
    const uneven = runCli([
      'generate',
      '--model',
      `${FIXTURES}/llada-tiny-1`,
      '--prompt-ids',
      '1,2',
      '--gen-length',
      '20',
      '--block-length',
      '8',
    ]);
    expect(uneven.code).toBe(1);
    expect(uneven.stderr).toMatch(/gen/i);
    expect(uneven.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('unmask generate with the shipped model', () => {
  it('generates text from a prompt with no --model', () => {
    const { code, stdout, stderr } = runCli([
      'generate',
      '--prompt',
      'ROMEO:',
      '--gen-length',
      '16',
      '--steps',
      '16',
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/models\/llada-shakespeare/);
    const result = lastJsonLine<GenerateJson & { text: string }>(stdout);
    expect(result.ids).toHaveLength(16);
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.steps).toHaveLength(16);
  });
});
