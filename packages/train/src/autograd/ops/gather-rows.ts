import { f32, type Tensor } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** Rows of x [..., N, D] along the second-to-last axis; rows int32 [R]. The backward pass adds them back. */
export function gatherRows(tape: Tape, x: Variable, rows: Tensor): Variable {
  return tape.record(tape.backend.gatherRows(x.value, rows), [x], (grad) => {
    const dims = x.dims;
    const [n, d] = dims.slice(-2) as [number, number];
    const picked = rows.data as Int32Array;
    const g = grad.data as Float32Array;
    const out = new Float32Array(x.value.size);
    const outer = x.value.size / (n * d);
    for (let o = 0; o < outer; o++) {
      picked.forEach((row, i) => {
        const dst = (o * n + row) * d;
        const src = (o * picked.length + i) * d;
        for (let c = 0; c < d; c++) out[dst + c]! += g[src + c]!;
      });
    }
    x.accumulate(f32(dims, out));
  });
}
