import { describe, it } from 'vitest';
import type { Dims } from '../../shape';
import { expectClose, showDims, unchanged } from '../check';
import type { SuiteContext } from '../context';
import { inputGenerator } from '../random';
import { refAdd, refMul, refSilu, refSwiglu } from '../reference';

export function describeElementwise(ctx: SuiteContext): void {
  const broadcastCases: { a: Dims; b: Dims }[] = [
    { a: [3, 7], b: [3, 7] },
    { a: [4, 5, 33], b: [33] },
    { a: [2, 3, 4], b: [3, 4] },
    { a: [1, 65], b: [65] },
    { a: [0, 5], b: [5] },
  ];
  for (const op of ['add', 'mul'] as const) {
    describe(op, () => {
      for (const { a: aDims, b: bDims } of broadcastCases) {
        const name = `${showDims(aDims)} ${op} ${showDims(bDims)}`;
        it(name, () => {
          const g = inputGenerator(name);
          const a = g.floats(aDims, 3);
          const b = g.floats(bDims, 3);
          const out = unchanged([a, b], () => ctx.backend()[op](a, b));
          expectClose(out, op === 'add' ? refAdd(a, b) : refMul(a, b), ctx.rtol);
        });
      }
    });
  }

  describe('silu', () => {
    for (const dims of [
      [3, 65],
      [2, 3, 7],
      [1, 1],
      [0, 3],
    ] satisfies Dims[]) {
      it(showDims(dims), () => {
        // Wide range: both tails of the sigmoid.
        const x = inputGenerator(`silu ${showDims(dims)}`).floats(dims, 12);
        expectClose(
          unchanged([x], () => ctx.backend().silu(x)),
          refSilu(x),
          ctx.rtol,
        );
      });
    }
  });

  describe('swiglu', () => {
    for (const dims of [
      [2, 5, 33],
      [1, 7],
      [0, 4],
    ] satisfies Dims[]) {
      it(showDims(dims), () => {
        const g = inputGenerator(`swiglu ${showDims(dims)}`);
        const gate = g.floats(dims, 6);
        const up = g.floats(dims, 2);
        expectClose(
          unchanged([gate, up], () => ctx.backend().swiglu(gate, up)),
          refSwiglu(gate, up),
          ctx.rtol,
        );
      });
    }
  });
}
