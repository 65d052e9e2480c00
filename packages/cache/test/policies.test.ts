import '@unmask/backend-ort';
import { f32Data, getBackend, i32, listBackends } from '@unmask/tensor';
import { loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { CachePolicyError, createPolicy, type DllmCacheTrace, listPolicies, resolvePolicy } from '../src';
import { canvases, fixtureDir, lladaCases } from './fixtures';

const GQA = 'llada-tiny-2';

for (const backendName of listBackends()) {
  describe(`cache policies on ${backendName}`, () => {
    const model = loadModel(fixtureDir(GQA), { backend: getBackend(backendName) });
    expect(model.config.numKvHeads).toBeLessThan(model.config.numHeads);

    it('dllm-cache (Kp, Kr, rho) = (1, 1, 0) gives exactly the logits of none on a grouped-query model', () => {
      for (const c of lladaCases(GQA).filter((x) => x.name === 'g24_b8_s12')) {
        const none = createPolicy('none');
        const traces: DllmCacheTrace[] = [];
        const full = createPolicy('dllm-cache', {
          promptInterval: 1,
          responseInterval: 1,
          transferRatio: 0,
          onTrace: (t) => traces.push(t),
        });
        const request = { promptLength: c.prompt.length, totalLength: c.prompt.length + c.params.gen_length };
        none.reset(request);
        full.reset(request);
        for (const canvas of canvases(c)) {
          const ids = i32([1, canvas.ids.length], canvas.ids);
          const rows = { start: canvas.blockStart, end: canvas.blockEnd };
          const expected = f32Data(none.logits(model, ids, canvas, rows));
          expect(f32Data(full.logits(model, ids, canvas, rows))).toEqual(expected);
        }
        expect(traces.every((t) => t.layers.every((l) => l.branch === 'both'))).toBe(true);
      }
    });

    it('dllm-cache reuses features on a grouped-query model', () => {
      const c = lladaCases(GQA)[0]!;
      const traces: DllmCacheTrace[] = [];
      const none = createPolicy('none');
      const cached = createPolicy('dllm-cache', {
        promptInterval: 4,
        responseInterval: 3,
        transferRatio: 0.25,
        onTrace: (t) => traces.push(t),
      });
      const request = { promptLength: c.prompt.length, totalLength: c.prompt.length + c.params.gen_length };
      none.reset(request);
      cached.reset(request);
      for (const canvas of canvases(c)) {
        const ids = i32([1, canvas.ids.length], canvas.ids);
        none.logits(model, ids, canvas);
        const logits = f32Data(cached.logits(model, ids, canvas));
        expect(logits.every(Number.isFinite)).toBe(true);
        expect(logits.length).toBe(canvas.ids.length * model.logitsWidth);
      }
      const layer1 = traces.map((t) => t.layers[1]!);
      expect(layer1.map((l) => l.branch).slice(0, 6)).toEqual([
        'both',
        'none',
        'none',
        'gen',
        'prompt',
        'none',
      ]);
      // V-verify recomputes int(16 * 0.25) = 4 response rows on the steps that reuse the response.
      expect(layer1.filter((l) => l.transferIndex !== null).every((l) => l.transferIndex!.length === 4)).toBe(
        true,
      );
      expect(none.flops.total).toBeGreaterThan(cached.flops.total);
    });

    for (const name of ['prefix', 'dual'] as const) {
      it(`${name}: a full pass at each block start, then a window that agrees with it while the canvas is unchanged`, () => {
        const c = lladaCases(GQA).find((x) => x.name === 'g24_b8_s12')!;
        const policy = createPolicy(name);
        const none = createPolicy('none');
        const request = { promptLength: c.prompt.length, totalLength: c.prompt.length + c.params.gen_length };
        policy.reset(request);
        none.reset(request);
        for (const canvas of canvases(c)) {
          const ids = i32([1, canvas.ids.length], canvas.ids);
          const rows = { start: canvas.blockStart, end: canvas.blockEnd };
          const expected = f32Data(none.logits(model, ids, canvas, rows));
          const logits = f32Data(policy.logits(model, ids, canvas, rows));
          if (canvas.step % 4 === 0) {
            // First step of a block (12 steps over 3 blocks): the full pass itself.
            expect(logits).toEqual(expected);
            // The same canvas again: only the window is recomputed, against the K/V just cached.
            const again = f32Data(policy.logits(model, ids, canvas, rows));
            const worst = Math.max(
              ...again.map((v, i) => Math.abs(v - expected[i]!) / (1 + Math.abs(expected[i]!))),
            );
            expect(worst).toBeLessThan(1e-4);
          } else {
            expect(logits.every(Number.isFinite)).toBe(true);
          }
        }
        expect(policy.flops.total).toBeLessThan(none.flops.total);
      });
    }

    it('prefix and dual run guidance as one batch of two canvases', () => {
      const c = lladaCases(GQA)[0]!;
      for (const name of ['prefix', 'dual']) {
        const policy = createPolicy(name);
        expect(policy.guidance).toBe('batched');
        const total = c.prompt.length + c.params.gen_length;
        policy.reset({ promptLength: c.prompt.length, totalLength: total });
        const [first] = canvases(c);
        const ids = i32([2, total], [...first!.ids, ...first!.ids]);
        const logits = policy.logits(model, ids, first!, { start: first!.blockStart, end: first!.blockEnd });
        expect(logits.dims).toEqual([2, first!.blockEnd - first!.blockStart, model.logitsWidth]);
      }
    });
  });
}

describe('policy registry and misuse', () => {
  const model = loadModel(fixtureDir(GQA), { backend: getBackend('cpu') });
  const ids = i32([1, 10], [1, 2, 3, 4, 5, 6, 7, 380, 380, 380]);
  const step = { step: 0, blockStart: 7, blockEnd: 10 };

  it('creates the built-in policies by name and passes objects through', () => {
    expect(listPolicies()).toEqual(expect.arrayContaining(['none', 'dllm-cache', 'prefix', 'dual']));
    expect(resolvePolicy(undefined).name).toBe('none');
    const policy = createPolicy('dual');
    expect(resolvePolicy(policy)).toBe(policy);
    expect(() => createPolicy('lru')).toThrow(
      /unknown cache policy 'lru'; known: none, dllm-cache, prefix, dual/,
    );
  });

  it('refuses bad options and calls outside a request', () => {
    expect(() => createPolicy('dllm-cache', { promptInterval: 0 })).toThrow(CachePolicyError);
    expect(() => createPolicy('dllm-cache', { transferRatio: 1.5 })).toThrow(
      /transferRatio must lie in \[0, 1\], got 1.5/,
    );
    expect(() => createPolicy('dllm-cache').logits(model, ids, step)).toThrow(/call reset\(\)/);
    const policy = createPolicy('dllm-cache');
    policy.reset({ promptLength: 7, totalLength: 12 });
    expect(() => policy.logits(model, ids, step)).toThrow(
      /canvas of 10 tokens, but the policy was reset for 12/,
    );
    policy.reset({ promptLength: 7, totalLength: 10 });
    expect(() => policy.logits(model, i32([2, 10], [...ids.data, ...ids.data] as number[]), step)).toThrow(
      /one canvas per call/,
    );
    expect(() => policy.logits(model, ids, step, { start: 8, end: 11 })).toThrow(/rows \[8, 11\)/);
  });
});
