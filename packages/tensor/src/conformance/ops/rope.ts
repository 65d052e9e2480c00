import { describe, it } from 'vitest';
import { type Dims, i32 } from '../../shape';
import { expectClose, showDims, unchanged } from '../check';
import type { SuiteContext } from '../context';
import { inputGenerator } from '../random';
import { refRope } from '../reference';

export function describeRope(ctx: SuiteContext): void {
  describe('rope', () => {
    const cases: { name: string; x: Dims; positions: number[]; theta: number }[] = [
      { name: 'contiguous from 0', x: [1, 5, 3, 8], positions: [0, 1, 2, 3, 4], theta: 10000 },
      {
        name: 'unsorted, gapped, large',
        x: [2, 7, 4, 16],
        positions: [1000, 3, 70000, 17, 4095, 131071, 9],
        theta: 10000,
      },
      { name: 'rank 3', x: [3, 2, 6], positions: [5, 2, 8], theta: 500000 },
      { name: 'rank 5', x: [2, 2, 3, 1, 4], positions: [12, 40, 7], theta: 1000000 },
      { name: 'head dim 2', x: [1, 4, 2, 2], positions: [3, 1, 4, 1], theta: 10000 },
      { name: 'one row, head dim 128', x: [1, 1, 4, 128], positions: [32767], theta: 500000 },
    ];
    for (const { name, x: dims, positions: pos, theta } of cases) {
      it(`${name}: x ${showDims(dims)} theta ${theta}`, () => {
        const x = inputGenerator(`rope ${name}`).floats(dims);
        const positions = i32([pos.length], pos);
        expectClose(
          unchanged([x, positions], () => ctx.backend().rope(x, positions, theta)),
          refRope(x, positions, theta),
          ctx.rtol,
        );
      });
    }
  });
}
