import { reshape as reshapeTensor } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** Same values, new dims (no copy). */
export function reshape(tape: Tape, x: Variable, dims: readonly number[]): Variable {
  return tape.record(reshapeTensor(x.value, dims), [x], (grad) => x.accumulate(grad));
}
