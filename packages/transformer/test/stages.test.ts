import '@unmask/backend-ort';
import { f32, f32Data, getBackend, i32, listBackends, reshape, type Tensor } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src';
import { fixtureDir } from './fixtures';

/** [B, S, H, D] -> [B, H, S, D]. */
function headMajor(t: Tensor): Tensor {
  const [b, s, h, d] = t.dims as [number, number, number, number];
  const src = f32Data(t);
  const out = new Float32Array(src.length);
  for (let bi = 0; bi < b; bi++)
    for (let si = 0; si < s; si++)
      for (let hi = 0; hi < h; hi++)
        for (let di = 0; di < d; di++)
          out[((bi * h + hi) * s + si) * d + di] = src[((bi * s + si) * h + hi) * d + di]!;
  return f32([b, h, s, d], out);
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}

for (const backendName of listBackends()) {
  describe(`block stages on ${backendName}`, () => {
    // llada-tiny-2 is grouped-query: 6 query heads over 2 KV heads.
    for (const name of ['llada-tiny-1', 'llada-tiny-2', 'dream-tiny-1']) {
      const model = loadModel(fixtureDir(name), { backend: getBackend(backendName) });
      const { config } = model;
      const seq = 9;
      const ids = i32(
        [2, seq],
        Array.from({ length: 2 * seq }, (_, i) => (i * 7 + 3) % config.vocabSize),
      );
      const positions = i32(
        [seq],
        Array.from({ length: seq }, (_, i) => i),
      );
      const block = model.blocks[0]!;
      const h = block.attnNorm(model.embed(ids));

      it(`${name}: projectQ and projectK are projectQK's halves`, () => {
        const { q, k } = block.projectQK(h, positions);
        expect(f32Data(block.projectQ(h, positions))).toEqual(f32Data(q));
        expect(f32Data(block.projectK(h, positions))).toEqual(f32Data(k));
      });

      it(`${name}: attendHeadMajor over head-major K/V is attend`, () => {
        const { q, k, v } = block.project(h, positions);
        const expected = f32Data(block.attend(q, k, v));
        const actual = f32Data(block.attendHeadMajor(q, headMajor(k), headMajor(v)));
        expect(maxRelDiff(actual, expected)).toBeLessThan(1e-6);
        // A few query rows over every key, as a cache policy asks.
        const rows = i32([3], [1, 4, 8]);
        const width = config.numHeads * config.headDim;
        const few = model.backend.gatherRows(reshape(q, [2, seq, width]), rows);
        const q3 = reshape(few, [2, 3, config.numHeads, config.headDim]);
        expect(
          maxRelDiff(
            f32Data(block.attendHeadMajor(q3, headMajor(k), headMajor(v))),
            f32Data(block.attend(q3, k, v)),
          ),
        ).toBeLessThan(1e-6);
        expect(() => block.attendHeadMajor(q, k, v)).toThrow(/attendHeadMajor: k and v must be/);
      });
    }
  });
}
