import { describe, expect, it } from 'vitest';
import { type Dims, f32 } from '../../shape';
import { expectExact, showDims, unchanged } from '../check';
import type { SuiteContext } from '../context';
import { inputGenerator } from '../random';
import { refArgmax, refTopk } from '../reference';

export function describeSelection(ctx: SuiteContext): void {
  describe('topk', () => {
    const cases: { x: Dims; k: number }[] = [
      { x: [1, 10], k: 3 },
      { x: [3, 33], k: 33 },
      { x: [3, 33], k: 0 },
      { x: [2, 4097], k: 5 },
      { x: [4, 7], k: 1 },
      { x: [2, 3, 65], k: 7 },
      { x: [1, 1], k: 1 },
      { x: [0, 5], k: 2 },
    ];
    for (const { x: dims, k } of cases) {
      const name = `${showDims(dims)} k ${k}`;
      it(name, () => {
        const x = inputGenerator(`topk ${name}`).distinctRows(dims);
        const { values, indices } = unchanged([x], () => ctx.backend().topk(x, k));
        const expected = refTopk(x, k);
        expectExact(indices, expected.indices, 'int32');
        expectExact(values, expected.values, 'float32');
      });
    }

    it('ties keep the lower index first', () => {
      const x = f32([2, 8], [1, 3, 3, 2, 3, 0, 1, 1, 5, 5, 5, 5, -1, 5, 5, 5]);
      const { values, indices } = unchanged([x], () => ctx.backend().topk(x, 5));
      expect(Array.from(indices.data as Int32Array)).toEqual([1, 2, 4, 3, 0, 0, 1, 2, 3, 5]);
      expect(Array.from(values.data as Float32Array)).toEqual([3, 3, 3, 2, 1, 5, 5, 5, 5, 5]);
    });
  });

  describe('argmax', () => {
    for (const dims of [
      [3, 33],
      [2, 4097],
      [1, 1],
      [2, 3, 7],
      [0, 5],
    ] satisfies Dims[]) {
      it(showDims(dims), () => {
        const x = inputGenerator(`argmax ${showDims(dims)}`).distinctRows(dims);
        expectExact(
          unchanged([x], () => ctx.backend().argmax(x)),
          refArgmax(x),
          'int32',
        );
      });
    }

    it('ties give the first maximum', () => {
      const x = f32([3, 4], [2, 7, 7, 1, 4, 4, 4, 4, -3, -1, -2, -1]);
      const out = unchanged([x], () => ctx.backend().argmax(x));
      expect(Array.from(out.data as Int32Array)).toEqual([1, 0, 1]);
    });
  });
}
