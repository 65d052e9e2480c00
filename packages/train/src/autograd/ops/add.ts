import { sameDims } from '@unmask/tensor';
import { sumPeriods } from '../layout';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** a + b, where b has a's shape or a's trailing dims (a row added to every row). */
export function add(tape: Tape, a: Variable, b: Variable): Variable {
  return tape.record(tape.backend.add(a.value, b.value), [a, b], (grad) => {
    if (a.requiresGrad) a.accumulate(grad);
    if (b.requiresGrad) {
      b.accumulate(sameDims(a.dims, b.dims) ? grad : sumPeriods(grad, b.value.size, b.dims));
    }
  });
}
