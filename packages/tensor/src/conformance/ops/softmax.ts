import { describe, it } from 'vitest';
import type { Dims } from '../../shape';
import { expectClose, showDims, unchanged } from '../check';
import type { SuiteContext } from '../context';
import { inputGenerator } from '../random';
import { refLogSoftmax, refSoftmax } from '../reference';

export function describeSoftmax(ctx: SuiteContext): void {
  const cases: { x: Dims; scale: number; offset: number }[] = [
    { x: [1, 7], scale: 1, offset: 0 },
    { x: [3, 33], scale: 20, offset: 0 },
    { x: [2, 4097], scale: 5, offset: 0 },
    { x: [2, 3, 65], scale: 3, offset: 1000 },
    { x: [4, 1], scale: 1, offset: 0 },
    { x: [0, 5], scale: 1, offset: 0 },
  ];
  for (const op of ['softmax', 'logSoftmax'] as const) {
    describe(op, () => {
      for (const { x: dims, scale, offset } of cases) {
        const name = `${showDims(dims)} values ${offset} ± ${scale}`;
        it(name, () => {
          const x = inputGenerator(`${op} ${name}`).floats(dims, scale, offset);
          expectClose(
            unchanged([x], () => ctx.backend()[op](x)),
            op === 'softmax' ? refSoftmax(x) : refLogSoftmax(x),
            ctx.rtol,
          );
        });
      }
    });
  }
}
