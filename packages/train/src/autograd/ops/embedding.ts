import { f32, type Tensor } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** Rows of table [V, D] for ids int32 [...]; the backward pass adds each row's gradient into its table row. */
export function embedding(tape: Tape, ids: Tensor, table: Variable): Variable {
  return tape.record(tape.backend.embedding(ids, table.value), [table], (grad) => {
    const d = table.dims[1]!;
    const tableGrad = new Float32Array(table.value.size);
    const g = grad.data as Float32Array;
    (ids.data as Int32Array).forEach((id, i) => {
      for (let c = 0; c < d; c++) tableGrad[id * d + c]! += g[i * d + c]!;
    });
    table.accumulate(f32(table.dims, tableGrad));
  });
}
