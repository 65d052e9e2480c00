import { describe, it } from 'vitest';
import type { Dims } from '../../shape';
import { expectClose, showDims, unchanged } from '../check';
import type { SuiteContext } from '../context';
import { inputGenerator } from '../random';
import { refLayerNorm, refRmsNorm } from '../reference';

export function describeNormalization(ctx: SuiteContext): void {
  describe('rmsNorm', () => {
    const cases: { x: Dims; eps: number }[] = [
      { x: [1, 7], eps: 1e-6 },
      { x: [3, 5, 64], eps: 1e-5 },
      { x: [2, 4096], eps: 1e-6 },
      { x: [4, 3], eps: 0.5 },
      { x: [0, 8], eps: 1e-6 },
    ];
    for (const { x: dims, eps } of cases) {
      const name = `${showDims(dims)} eps ${eps}`;
      it(name, () => {
        const g = inputGenerator(`rmsNorm ${name}`);
        const x = g.floats(dims, 2);
        const weight = g.floats([dims[dims.length - 1]!], 1, 1);
        expectClose(
          unchanged([x, weight], () => ctx.backend().rmsNorm(x, weight, eps)),
          refRmsNorm(x, weight, eps),
          ctx.rtol,
        );
      });
    }
  });

  describe('layerNorm', () => {
    const cases: { x: Dims; bias: boolean; eps: number }[] = [
      { x: [3, 33], bias: true, eps: 1e-5 },
      { x: [3, 33], bias: false, eps: 1e-5 },
      { x: [1, 7], bias: true, eps: 1e-6 },
      { x: [2, 4096], bias: true, eps: 1e-5 },
      { x: [2, 3, 16], bias: false, eps: 0.1 },
      { x: [0, 8], bias: true, eps: 1e-5 },
    ];
    for (const { x: dims, bias: withBias, eps } of cases) {
      const name = `${showDims(dims)} ${withBias ? 'bias' : 'no bias'} eps ${eps}`;
      it(name, () => {
        const g = inputGenerator(`layerNorm ${name}`);
        const d = dims[dims.length - 1]!;
        // An offset mean, so that the variance is computed around it and not around 0.
        const x = g.floats(dims, 2, 3);
        const weight = g.floats([d], 1, 1);
        const bias = withBias ? g.floats([d]) : undefined;
        expectClose(
          unchanged([x, weight, bias], () => ctx.backend().layerNorm(x, weight, bias, eps)),
          refLayerNorm(x, weight, bias, eps),
          ctx.rtol,
        );
      });
    }
  });
}
