import '@unmask/backend-ort';
import { f32Data, getBackend, i32, listBackends } from '@unmask/tensor';
import { DiffusionLM, loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { type CachePolicy, createPolicy, readHeadRows, readRows, writeHeadRows, writeRows } from '../src';
import { canvases, fixtureDir, type LladaCase, lladaCases } from './fixtures';

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}

describe('row helpers', () => {
  const width = 3;
  const data = Float32Array.from({ length: 5 * width }, (_, i) => i);

  it('readRows views consecutive rows and copies scattered ones', () => {
    const view = readRows(data, [1, 2], width);
    expect(view.dims).toEqual([1, 2, width]);
    expect(Array.from(f32Data(view))).toEqual([3, 4, 5, 6, 7, 8]);
    expect((f32Data(view) as Float32Array).buffer).toBe(data.buffer);
    expect(Array.from(f32Data(readRows(data, [0, 3, 4], width)))).toEqual([0, 1, 2, 9, 10, 11, 12, 13, 14]);
    expect(readRows(data, [], width).dims).toEqual([1, 0, width]);
  });

  it('writeRows writes rows in place, run by run', () => {
    const target = new Float32Array(5 * width);
    writeRows(
      target,
      [0, 1, 3],
      Float32Array.from({ length: 9 }, (_, i) => i + 1),
      width,
    );
    expect(Array.from(target)).toEqual([1, 2, 3, 4, 5, 6, 0, 0, 0, 7, 8, 9, 0, 0, 0]);
  });

  it('head-major rows round-trip through token-major ones, per canvas of a batch', () => {
    const layout = { batch: 2, heads: 2, headDim: 2, seq: 3 };
    const cache = new Float32Array(2 * 2 * 3 * 2);
    // Token-major rows [B, R, H * D] for canvas rows 0 and 2.
    const src = Float32Array.from({ length: 2 * 2 * 4 }, (_, i) => i + 1);
    writeHeadRows(cache, [0, 2], src, layout);
    // cache[b, h, s, d]: canvas 0 head 0 holds rows 0 and 2 as [1, 2] and [5, 6].
    expect(Array.from(cache.subarray(0, 6))).toEqual([1, 2, 0, 0, 5, 6]);
    expect(Array.from(cache.subarray(6, 12))).toEqual([3, 4, 0, 0, 7, 8]);
    const back = readHeadRows(cache, [0, 2], layout);
    expect(back.dims).toEqual([2, 2, 4]);
    expect(Array.from(f32Data(back))).toEqual(Array.from(src));
  });

  it('writeHeadRows copies every bit, as float pairs or (odd head dim, odd offset) one by one', () => {
    // Bit patterns a float copy could change if it went through arithmetic: -0, NaN payloads, subnormals.
    const bits = Uint32Array.from(
      { length: 50 },
      (_, i) => [0x80000000, 0x7fc00001, 0x7f800001, 1, 0x3f800000][i % 5]! + i,
    );
    const values = new Float32Array(bits.buffer);
    for (const [headDim, offset] of [
      [2, 0],
      [2, 1],
      [5, 0],
    ] as const) {
      const layout = { batch: 1, heads: 2, headDim, seq: 4 };
      const src = values.subarray(offset, offset + 2 * 2 * headDim);
      const cache = new Float32Array(2 * 4 * headDim);
      writeHeadRows(cache, [3, 1], src, layout);
      // The reference copies integers: a float copy would itself quiet the signalling NaNs.
      const expected = new Uint32Array(cache.length);
      const srcBits = bits.subarray(offset);
      for (const [i, row] of [3, 1].entries())
        for (let h = 0; h < 2; h++)
          for (let c = 0; c < headDim; c++)
            expected[(h * 4 + row) * headDim + c] = srcBits[(i * 2 + h) * headDim + c]!;
      expect(new Uint32Array(cache.buffer)).toEqual(expected);
    }
  });
});

for (const backendName of listBackends()) {
  describe(`dllm-cache carries only the rows it needs, on ${backendName}`, () => {
    const model = loadModel(fixtureDir('llada-tiny-2'), { backend: getBackend(backendName) });

    it('the block rows get the same logits whether or not every row is asked for', () => {
      const c = lladaCases('llada-tiny-2')[0]!;
      const options = { promptInterval: 5, responseInterval: 3, transferRatio: 0.25 };
      const block = createPolicy('dllm-cache', options);
      const all = createPolicy('dllm-cache', options);
      const request = { promptLength: c.prompt.length, totalLength: c.prompt.length + c.params.gen_length };
      block.reset(request);
      all.reset(request);
      const vocab = model.logitsWidth;
      for (const canvas of canvases(c)) {
        const ids = i32([1, canvas.ids.length], canvas.ids);
        const asked = f32Data(
          block.logits(model, ids, canvas, { start: canvas.blockStart, end: canvas.blockEnd }),
        );
        const every = f32Data(all.logits(model, ids, canvas));
        expect(asked).toEqual(every.subarray(canvas.blockStart * vocab, canvas.blockEnd * vocab));
      }
      expect(block.flops.total).toBeLessThan(all.flops.total);
    });

    it("layer 0 recomputes K/V only of the rows whose token changed, and gets none's logits", () => {
      // A one-layer model is all layer 0, which dllm-cache always recomputes: it must equal none.
      const { backend, family, config, weights } = model;
      const oneLayer = new DiffusionLM(
        backend,
        family,
        { ...config, numLayers: 1 },
        { ...weights, blocks: weights.blocks.slice(0, 1) },
      );
      const c = lladaCases('llada-tiny-2')[0]!;
      const none = createPolicy('none');
      const cached = createPolicy('dllm-cache', {
        promptInterval: 100,
        responseInterval: 8,
        transferRatio: 0.25,
      });
      const request = { promptLength: c.prompt.length, totalLength: c.prompt.length + c.params.gen_length };
      none.reset(request);
      cached.reset(request);
      for (const canvas of canvases(c)) {
        const ids = i32([1, canvas.ids.length], canvas.ids);
        const rows = { start: canvas.blockStart, end: canvas.blockEnd };
        const actual = f32Data(cached.logits(oneLayer, ids, canvas, rows));
        const expected = f32Data(none.logits(oneLayer, ids, canvas, rows));
        if (backendName === 'cpu') expect(actual).toEqual(expected);
        // onnxruntime's GEMM may round a row differently within a different number of rows.
        else expect(maxRelDiff(actual, expected)).toBeLessThan(1e-5);
      }
      // After the first forward, only the committed rows' K/V were recomputed.
      expect(cached.flops.total).toBeLessThan(none.flops.total);
    });
  });

  describe(`policies reused for another request keep their arrays, not their state, on ${backendName}`, () => {
    const model = loadModel(fixtureDir('llada-tiny-2'), { backend: getBackend(backendName) });
    const [c, other] = lladaCases('llada-tiny-2') as [LladaCase, LladaCase];
    // The same sizes with another prompt: reused arrays hold the first request's features.
    const shifted = (ids: number[]) =>
      ids.map((id, i) => (i < c.prompt.length ? (id + 1) % c.params.mask_id : id));
    const variant: LladaCase = {
      ...c,
      prompt: shifted(c.prompt),
      steps: c.steps.map((s) => ({ ...s, sequence: shifted(s.sequence) })),
    };
    const options = { promptInterval: 5, responseInterval: 3, transferRatio: 0.25 };
    const make = (name: string) => createPolicy(name, name === 'dllm-cache' ? options : {});
    const run = (policy: CachePolicy, k: LladaCase) => {
      policy.reset({ promptLength: k.prompt.length, totalLength: k.prompt.length + k.params.gen_length });
      return canvases(k).map((canvas) =>
        Array.from(
          f32Data(
            policy.logits(model, i32([1, canvas.ids.length], canvas.ids), canvas, {
              start: canvas.blockStart,
              end: canvas.blockEnd,
            }),
          ),
        ),
      );
    };
    for (const name of ['dllm-cache', 'prefix', 'dual']) {
      it(`${name}: each request gets what a fresh policy gets`, () => {
        const reused = make(name);
        run(reused, c);
        expect(run(reused, variant)).toEqual(run(make(name), variant));
        expect(run(reused, other)).toEqual(run(make(name), other));
      });
    }
  });
}
