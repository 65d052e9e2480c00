import { i32, i32Data, type Tensor } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/**
 * Rotary embedding (the backend's LLaMA half rotation) of x [..., S, H, D] at positions int32 [S]. A
 * rotation's adjoint is its inverse, the rotation by the negated angles: the backward pass is the same
 * backend op at the negated positions.
 */
export function rope(tape: Tape, x: Variable, positions: Tensor, theta: number): Variable {
  const { backend } = tape;
  return tape.record(backend.rope(x.value, positions, theta), [x], (grad) => {
    const negated = i32(
      positions.dims,
      Int32Array.from(i32Data(positions), (p) => -p),
    );
    x.accumulate(backend.rope(grad, negated, theta));
  });
}
