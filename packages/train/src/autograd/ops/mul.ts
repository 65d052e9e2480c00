import { sameDims } from '@unmask/tensor';
import { sumPeriods } from '../layout';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** a * b elementwise, where b has a's shape or a's trailing dims. */
export function mul(tape: Tape, a: Variable, b: Variable): Variable {
  const { backend } = tape;
  return tape.record(backend.mul(a.value, b.value), [a, b], (grad) => {
    if (a.requiresGrad) a.accumulate(backend.mul(grad, b.value));
    if (b.requiresGrad) {
      const product = backend.mul(grad, a.value);
      b.accumulate(sameDims(a.dims, b.dims) ? product : sumPeriods(product, b.value.size, b.dims));
    }
  });
}
