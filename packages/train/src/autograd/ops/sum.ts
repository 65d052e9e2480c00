import { f32 } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** factor * (sum of every element of x): a scalar. Its gradient is `factor` everywhere. */
export function sum(tape: Tape, x: Variable, factor = 1): Variable {
  const values = x.value.data as Float32Array;
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return tape.record(f32([], [factor * total]), [x], (grad) => {
    const g = (grad.data as Float32Array)[0]! * factor;
    x.accumulate(f32(x.dims, new Float32Array(x.value.size).fill(g)));
  });
}
