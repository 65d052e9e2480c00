import { cpuBackend, f32, f32Data, getBackend } from '@unmask/tensor';
import { loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { countingBackend, createPolicy, FlopMeter, opFlops, span, writeHeadRows } from '../src';
import { fixtureDir } from './fixtures';

describe('FLOP counting', () => {
  it('counts matmul-shaped work as 2 per multiply-add', () => {
    expect(opFlops('matmul', f32([3, 4, 5]), f32([5, 6]))).toBe(2 * 3 * 4 * 5 * 6);
    expect(opFlops('matmul', f32([4, 5]), f32([6, 5]), { transposeB: true })).toBe(2 * 4 * 5 * 6);
    expect(opFlops('linear', f32([2, 7, 8]), f32([16, 8]))).toBe(2 * 14 * 8 * 16);
    expect(opFlops('linear', f32([7, 8]), f32([16, 8]), f32([16]))).toBe(7 * 16 * (2 * 8 + 1));
    // 2 queries x 4 heads x 5 keys scores, head dim 8: q.k and p.v (4 * 8) plus softmax (5).
    expect(opFlops('attention', f32([1, 2, 4, 8]), f32([1, 5, 2, 8]), f32([1, 5, 2, 8]))).toBe(
      1 * 4 * 2 * 5 * (4 * 8 + 5),
    );
    // The same attention over head-major K/V [B, Hkv, Sk, D].
    expect(
      opFlops('attention', f32([1, 2, 4, 8]), f32([1, 2, 5, 8]), f32([1, 2, 5, 8]), { kvHeadMajor: true }),
    ).toBe(1 * 4 * 2 * 5 * (4 * 8 + 5));
    expect(opFlops('gatherRows', f32([4, 3]), f32([1, 3]))).toBe(0);
  });

  it('a counting backend returns what the inner backend returns and reports every op', () => {
    let total = 0;
    const counted = countingBackend(cpuBackend, (flops) => {
      total += flops;
    });
    const a = f32([2, 3], [1, 2, 3, 4, 5, 6]);
    const w = f32(
      [4, 3],
      Array.from({ length: 12 }, (_, i) => i / 10),
    );
    expect(f32Data(counted.linear(a, w))).toEqual(f32Data(cpuBackend.linear(a, w)));
    expect(f32Data(counted.add(a, a))).toEqual(f32Data(cpuBackend.add(a, a)));
    expect(total).toBe(2 * 2 * 3 * 4 + 6);
  });

  it('attention over head-major K/V counts what the same attention over token-major K/V counts', () => {
    const model = loadModel(fixtureDir('llada-tiny-2'), { backend: getBackend('cpu') });
    let total = 0;
    const block = model.withBackend(
      countingBackend(cpuBackend, (flops) => {
        total += flops;
      }),
    ).blocks[0]!;
    const { numHeads, numKvHeads, headDim } = model.config;
    const [rows, keys] = [3, 7];
    const q = f32([1, rows, numHeads, headDim]);
    const kv = f32([1, keys, numKvHeads, headDim]);
    const headMajor = new Float32Array(kv.size);
    writeHeadRows(headMajor, span(0, keys), f32Data(kv), { batch: 1, heads: numKvHeads, headDim, seq: keys });
    const kvHeads = f32([1, numKvHeads, keys, headDim], headMajor);
    block.attend(q, kv, kv);
    const tokenMajor = total;
    total = 0;
    block.attendHeadMajor(q, kvHeads, kvHeads);
    expect(total).toBe(tokenMajor);
    expect(total).toBeGreaterThan(2 * rows * numHeads * keys * 2 * headDim);
  });

  it('charges each step separately and sums them', () => {
    const model = loadModel(fixtureDir('llada-tiny-1'), { backend: getBackend('cpu') });
    const meter = new FlopMeter();
    const view = meter.model(model, 2);
    expect(meter.model(model, 2)).toBe(view);
    view.lmHead(f32([1, 1, 64]));
    expect(meter.perStep).toEqual([0, 0, 2 * 64 * 320]);
    expect(meter.total).toBe(2 * 64 * 320);
    meter.reset();
    expect(meter.total).toBe(0);
    expect(createPolicy('none').flops.total).toBe(0);
  });
});
