import { describe } from 'vitest';
import type { Backend } from '../backend';
import type { SuiteContext } from './context';
import { describeAttention } from './ops/attention';
import { describeElementwise } from './ops/elementwise';
import { describeLinearAlgebra } from './ops/linear-algebra';
import { describeNormalization } from './ops/normalization';
import { describeRope } from './ops/rope';
import { describeRows } from './ops/rows';
import { describeSelection } from './ops/selection';
import { describeShapeErrors } from './ops/shape-errors';
import { describeSoftmax } from './ops/softmax';

export interface ConformanceOptions {
  /**
   * Tolerance of every float output: max |out - ref| / max(max |ref|, 1e-30) <= rtol, where ref is
   * the float64 reference on the same float32 inputs. Integer outputs and copies must match exactly.
   */
  rtol: number;
}

/**
 * Declares the vitest cases every Backend must pass: each op against the float64 reference on seeded
 * random inputs (awkward shapes included), the ShapeErrors of bad inputs, and inputs left unmodified.
 * Call it at the top level of a test file; `getBackend` runs inside the first test that needs it.
 */
export function runConformanceSuite(getBackend: () => Backend, options: ConformanceOptions): void {
  let backend: Backend | undefined;
  const ctx: SuiteContext = {
    backend: () => {
      backend ??= getBackend();
      return backend;
    },
    rtol: options.rtol,
  };
  describe('backend conformance', () => {
    describeLinearAlgebra(ctx);
    describeElementwise(ctx);
    describeNormalization(ctx);
    describeRope(ctx);
    describeSoftmax(ctx);
    describeAttention(ctx);
    describeRows(ctx);
    describeSelection(ctx);
    describeShapeErrors(ctx);
  });
}
