import { createPolicy } from '@unmask/cache';
import { getBackend } from '@unmask/tensor';
import { loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { generate, Random, type StepEvent, sample } from '../src';
import { fixtureDir } from './fixtures';

const llada = loadModel(fixtureDir('llada-tiny-1'), { backend: getBackend('cpu') });
const dream = loadModel(fixtureDir('dream-tiny-1'), { backend: getBackend('cpu') });
const prompt = [103, 6, 49, 262, 296, 215, 58, 12, 246, 92];

function trace(model: typeof llada, options: Parameters<typeof generate>[2]) {
  const events: StepEvent[] = [];
  const result = generate(model, prompt, { ...options, onStep: (e) => events.push(e) });
  return { events, result, response: Array.from(result.response) };
}

describe('seeded randomness', () => {
  it('the PRNG is reproducible and uniform enough', () => {
    const a = new Random(42);
    const b = new Random(42);
    const draws = Array.from({ length: 1000 }, () => a.float64());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b.float64()));
    expect(draws.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(Math.abs(draws.reduce((s, u) => s + u, 0) / 1000 - 0.5)).toBeLessThan(0.05);
    expect(new Random(43).float64()).not.toBe(new Random(42).float64());
  });

  it('LLaDA with temperature and random remasking: the same seed gives the same generation', () => {
    for (const extra of [{ temperature: 0.8 }, { remasking: 'random' as const }]) {
      const options = { genLength: 16, blockLength: 8, steps: 8, ...extra };
      const first = trace(llada, { ...options, seed: 7 });
      expect(trace(llada, { ...options, seed: 7 }).events).toEqual(first.events);
      const others = [1, 2, 3].map((seed) => trace(llada, { ...options, seed }).response);
      expect(others.some((r) => r.join() !== first.response.join())).toBe(true);
    }
  });

  it('Dream with origin, alg_temp, top-p and top-k: reproducible per seed, every mask filled', () => {
    for (const extra of [
      { alg: 'origin' as const, temperature: 0.7 },
      { alg: 'entropy' as const, algTemp: 0.5, temperature: 0.5, topP: 0.9 },
      { alg: 'topk_margin' as const, temperature: 1, topK: 5 },
    ]) {
      const options = { genLength: 12, steps: 6, seed: 3, ...extra };
      const first = trace(dream, options);
      expect(trace(dream, options).events).toEqual(first.events);
      expect(first.response.includes(310)).toBe(false);
    }
  });
});

describe('parallel decoding with a confidence threshold', () => {
  it('threshold 1 commits one token per step; a tiny threshold fills each block in one step', () => {
    const one = trace(llada, { genLength: 16, blockLength: 8, threshold: 1 });
    expect(one.events.map((e) => e.committed.length)).toEqual(Array(16).fill(1));
    const all = trace(llada, { genLength: 16, blockLength: 8, threshold: 1e-9 });
    expect(all.events.map((e) => [e.block, e.committed.length])).toEqual([
      [0, 8],
      [1, 8],
    ]);
    const dreamAll = trace(dream, { genLength: 12, threshold: 1e-9 });
    expect(dreamAll.events.length).toBe(1);
  });

  it('a middle threshold leaves each block as soon as it is full', () => {
    const { events, response } = trace(llada, {
      genLength: 16,
      blockLength: 8,
      threshold: 0.5,
      policy: 'dual',
    });
    expect(events.length).toBeLessThan(16);
    expect(events.every((e) => e.committed.length >= 1)).toBe(true);
    expect(events.filter((e) => e.block === 0).flatMap((e) => e.committed).length).toBe(8);
    expect(response.includes(310)).toBe(false);
  });
});

describe('EOS options', () => {
  it('forbidEos never writes EOS; deferEosEot commits predicted EOS last in its block', () => {
    const options = { genLength: 16, blockLength: 16, steps: 16 };
    const plain = trace(llada, options).response;
    const counts = new Map<number, number>();
    for (const id of plain) counts.set(id, (counts.get(id) ?? 0) + 1);
    const frequent = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(
      trace(llada, { ...options, forbidEos: true, eosTokenId: frequent }).response.includes(frequent),
    ).toBe(false);
    const deferred = trace(llada, { ...options, deferEosEot: true, eosTokenId: frequent });
    const firstEos = deferred.events.findIndex((e) => e.committed.some(([, id]) => id === frequent));
    const last = deferred.events.slice(firstEos).flatMap((e) => e.committed.map(([, id]) => id));
    expect(last.every((id) => id === frequent)).toBe(true);
  });
});

describe('events and FLOPs', () => {
  it('events carry copies of the canvas and the per-step FLOPs, which sum to the total', () => {
    const { events, result } = trace(llada, {
      genLength: 16,
      blockLength: 8,
      steps: 8,
      policy: 'dllm-cache',
    });
    expect(events[0]!.canvas).not.toBe(events[1]!.canvas);
    expect(events[0]!.canvas.slice(0, prompt.length)).toEqual(Int32Array.from(prompt));
    expect(events.reduce((s, e) => s + e.flops, 0)).toBe(result.flops);
    expect(result.sequence.slice(prompt.length)).toEqual(result.response);
  });

  it('every policy runs Dream (shifted logits, no blocks) to a full response', () => {
    const options = { genLength: 16, steps: 8 };
    const none = trace(dream, options).result.flops;
    for (const policy of ['prefix', 'dual', 'dllm-cache']) {
      const { result, response } = trace(dream, { ...options, policy });
      expect(response.includes(310)).toBe(false);
      expect(result.flops).toBeLessThan(none);
    }
  });

  it('sample() yields the same steps as generate()', () => {
    const options = { genLength: 12, steps: 6 };
    const steps = [...sample(dream, prompt, options)];
    expect(steps).toEqual(trace(dream, options).events);
  });

  it('dllm-cache (Kp=100, Kr=8, rho=0.25) executes fewer FLOPs than none', () => {
    const options = { genLength: 32, blockLength: 8, steps: 32 };
    const none = trace(llada, { ...options, policy: 'none' }).result.flops;
    const cached = trace(llada, {
      ...options,
      policy: createPolicy('dllm-cache', { promptInterval: 100, responseInterval: 8, transferRatio: 0.25 }),
    }).result.flops;
    const prefix = trace(llada, { ...options, policy: 'prefix' }).result.flops;
    const dual = trace(llada, { ...options, policy: 'dual' }).result.flops;
    console.info(
      `FLOPs over 32 steps, llada-tiny-1, prompt 10 + gen 32: none ${none}, dllm-cache ${cached} (${(none / cached).toFixed(2)}x), prefix ${prefix} (${(none / prefix).toFixed(2)}x), dual ${dual} (${(none / dual).toFixed(2)}x)`,
    );
    expect(none).toBeGreaterThan(cached);
    expect(none).toBeGreaterThan(prefix);
    expect(prefix).toBeGreaterThan(dual);
  });
});
