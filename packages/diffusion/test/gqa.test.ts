import '@unmask/backend-ort';
import { createPolicy } from '@unmask/cache';
import { getBackend, listBackends } from '@unmask/tensor';
import { loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { generate, type StepEvent } from '../src';
import { fixtureDir } from './fixtures';

// llada-tiny-2 has 6 query heads over 2 KV heads, which the official dLLM-Cache hook cannot run.
const prompt = [136, 302, 131, 275, 265, 34, 226, 175, 50, 332, 288];
const settings = { genLength: 24, blockLength: 8, steps: 12 };

for (const backendName of listBackends()) {
  describe(`grouped-query generation on ${backendName}`, () => {
    const model = loadModel(fixtureDir('llada-tiny-2'), { backend: getBackend(backendName) });
    const run = (policy: Parameters<typeof generate>[2]['policy'], extra = {}) => {
      const events: StepEvent[] = [];
      const result = generate(model, prompt, {
        ...settings,
        ...extra,
        policy,
        onStep: (e) => events.push(e),
      });
      return { events, result };
    };

    it('dllm-cache with (Kp, Kr, rho) = (1, 1, 0) generates exactly what none does, with and without guidance', () => {
      for (const extra of [{}, { cfgScale: 0.5 }]) {
        const none = run('none', extra);
        const full = run(
          createPolicy('dllm-cache', { promptInterval: 1, responseInterval: 1, transferRatio: 0 }),
          extra,
        );
        expect(full.events.map((e) => e.committed)).toEqual(none.events.map((e) => e.committed));
        expect(full.result.sequence).toEqual(none.result.sequence);
      }
    });

    it('prefix, dual and dllm-cache produce valid responses with fewer FLOPs than none', () => {
      const none = run('none');
      for (const policy of ['prefix', 'dual', 'dllm-cache']) {
        const { events, result } = run(policy);
        expect(result.steps).toBe(12);
        expect(result.response.every((id) => id !== 380 && id >= 0 && id < model.logitsWidth)).toBe(true);
        expect(events.flatMap((e) => e.committed).length).toBe(24);
        events.forEach((e, i) => {
          const blockStart = prompt.length + 8 * Math.floor(i / 4);
          expect(e.committed.every(([p]) => p >= blockStart && p < blockStart + 8)).toBe(true);
        });
        expect(result.flops).toBeLessThan(none.result.flops);
      }
    });
  });
}
