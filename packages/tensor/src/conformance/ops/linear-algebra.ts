import { describe, it } from 'vitest';
import type { Dims } from '../../shape';
import { expectClose, showDims, unchanged } from '../check';
import type { SuiteContext } from '../context';
import { inputGenerator } from '../random';
import { refLinear, refMatmul } from '../reference';

export function describeLinearAlgebra(ctx: SuiteContext): void {
  describe('matmul', () => {
    const cases: { a: Dims; b: Dims; transposeB?: boolean }[] = [
      { a: [1, 7], b: [7, 5] },
      { a: [0, 5], b: [5, 3] },
      { a: [3, 1], b: [1, 4] },
      { a: [33, 65], b: [65, 7] },
      { a: [37, 130], b: [130, 67] },
      { a: [16, 256], b: [256, 64] },
      { a: [2, 3, 5, 9], b: [2, 3, 9, 6] },
      { a: [0, 4, 3], b: [0, 3, 2] },
      { a: [3, 7, 33], b: [33, 5] },
      { a: [7, 33], b: [5, 33], transposeB: true },
      { a: [2, 3, 5, 9], b: [2, 3, 6, 9], transposeB: true },
      { a: [2, 5, 65], b: [7, 65], transposeB: true },
    ];
    for (const { a: aDims, b: bDims, transposeB } of cases) {
      const name = `${showDims(aDims)} x ${showDims(bDims)}${transposeB ? ' transposed' : ''}`;
      it(name, () => {
        const g = inputGenerator(`matmul ${name}`);
        const a = g.floats(aDims);
        const b = g.floats(bDims);
        const out = unchanged([a, b], () => ctx.backend().matmul(a, b, { transposeB: transposeB ?? false }));
        expectClose(out, refMatmul(a, b, transposeB), ctx.rtol);
      });
    }
    it('without options equals transposeB false', () => {
      const g = inputGenerator('matmul default options');
      const a = g.floats([4, 6]);
      const b = g.floats([6, 3]);
      expectClose(
        unchanged([a, b], () => ctx.backend().matmul(a, b)),
        refMatmul(a, b),
        ctx.rtol,
      );
    });
  });

  describe('linear', () => {
    const cases: { x: Dims; out: number; bias: boolean }[] = [
      { x: [3, 5, 16], out: 8, bias: true },
      { x: [3, 5, 16], out: 8, bias: false },
      { x: [1, 33], out: 7, bias: true },
      { x: [0, 16], out: 8, bias: true },
      { x: [16], out: 5, bias: false },
      { x: [9, 130], out: 67, bias: true },
    ];
    for (const { x: xDims, out: outFeatures, bias: withBias } of cases) {
      const inFeatures = xDims[xDims.length - 1]!;
      const name = `x ${showDims(xDims)}, weight [${outFeatures}, ${inFeatures}], ${withBias ? 'bias' : 'no bias'}`;
      it(name, () => {
        const g = inputGenerator(`linear ${name}`);
        const x = g.floats(xDims);
        const weight = g.floats([outFeatures, inFeatures]);
        const bias = withBias ? g.floats([outFeatures]) : undefined;
        const out = unchanged([x, weight, bias], () => ctx.backend().linear(x, weight, bias));
        expectClose(out, refLinear(x, weight, bias), ctx.rtol);
      });
    }
  });
}
