import { describe, expect, it } from 'vitest';
import { type Dims, f32, i32 } from '../../shape';
import { expectClose, expectExact, showDims, unchanged } from '../check';
import type { SuiteContext } from '../context';
import { inputGenerator } from '../random';
import { refCosineRows, refEmbedding, refGatherRows, refScatterRows } from '../reference';

export function describeRows(ctx: SuiteContext): void {
  describe('embedding', () => {
    const cases: { ids: Dims; vocab: number; d: number }[] = [
      { ids: [2, 3], vocab: 11, d: 7 },
      { ids: [1], vocab: 1, d: 4 },
      { ids: [40], vocab: 50, d: 33 },
      { ids: [2, 2, 5], vocab: 6, d: 3 },
      { ids: [0], vocab: 5, d: 7 },
    ];
    for (const { ids: idDims, vocab, d } of cases) {
      const name = `ids ${showDims(idDims)} table [${vocab}, ${d}]`;
      it(name, () => {
        const g = inputGenerator(`embedding ${name}`);
        const ids = g.ints(idDims, vocab);
        const table = g.floats([vocab, d]);
        const out = unchanged([ids, table], () => ctx.backend().embedding(ids, table));
        expectExact(out, refEmbedding(ids, table), 'float32');
      });
    }
  });

  describe('gatherRows', () => {
    const cases: { x: Dims; rows: number[] }[] = [
      { x: [5, 4], rows: [4, 0, 2] },
      { x: [2, 3, 7, 5], rows: [6, 6, 1] },
      { x: [3, 33], rows: [1] },
      { x: [2, 3, 7, 5], rows: [] },
      { x: [9, 65], rows: [8, 7, 6, 5, 4, 3, 2, 1, 0] },
    ];
    for (const { x: xDims, rows: picked } of cases) {
      const name = `x ${showDims(xDims)} rows [${picked.join(', ')}]`;
      it(name, () => {
        const x = inputGenerator(`gatherRows ${name}`).floats(xDims);
        const rows = i32([picked.length], picked);
        const out = unchanged([x, rows], () => ctx.backend().gatherRows(x, rows));
        expectExact(out, refGatherRows(x, rows), 'float32');
      });
    }
  });

  describe('scatterRows', () => {
    const cases: { x: Dims; rows: number[] }[] = [
      { x: [2, 7, 5], rows: [6, 0, 3] },
      { x: [4, 3], rows: [2] },
      { x: [2, 3, 6, 4], rows: [] },
      { x: [5, 33], rows: [3, 1, 4, 0, 2] },
    ];
    for (const { x: xDims, rows: placed } of cases) {
      const name = `x ${showDims(xDims)} rows [${placed.join(', ')}]`;
      it(name, () => {
        const g = inputGenerator(`scatterRows ${name}`);
        const x = g.floats(xDims);
        const rows = i32([placed.length], placed);
        const src = g.floats([...xDims.slice(0, -2), placed.length, xDims[xDims.length - 1]!]);
        const out = unchanged([x, rows, src], () => ctx.backend().scatterRows(x, rows, src));
        expectExact(out, refScatterRows(x, rows, src), 'float32');
      });
    }
  });

  describe('cosineRows', () => {
    for (const dims of [
      [3, 7],
      [2, 5, 64],
      [2, 4096],
      [1, 1],
      [0, 8],
    ] satisfies Dims[]) {
      it(showDims(dims), () => {
        const g = inputGenerator(`cosineRows ${showDims(dims)}`);
        const a = g.floats(dims);
        const b = g.floats(dims);
        expectClose(
          unchanged([a, b], () => ctx.backend().cosineRows(a, b)),
          refCosineRows(a, b),
          ctx.rtol,
        );
      });
    }

    it('parallel, opposite, zero and tiny rows', () => {
      const g = inputGenerator('cosineRows special rows');
      const d = 16;
      const base = Array.from({ length: d }, () => g.uniform());
      const other = Array.from({ length: d }, () => g.uniform());
      const rowsA = [base, base, base, base.map(() => 0), base.map((x) => x * 1e-10)];
      const rowsB = [base.map((x) => x * 3), base.map((x) => -x), other, other, other];
      const a = f32([rowsA.length, d], rowsA.flat());
      const b = f32([rowsB.length, d], rowsB.flat());
      const out = unchanged([a, b], () => ctx.backend().cosineRows(a, b));
      expectClose(out, refCosineRows(a, b), ctx.rtol);
      const values = out.data as Float32Array;
      expect(values[0]).toBeCloseTo(1, 5);
      expect(values[1]).toBeCloseTo(-1, 5);
      expect(values[3]).toBe(0);
    });
  });
}
