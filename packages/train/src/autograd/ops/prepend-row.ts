import { f32 } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** row [D] put before the rows of every batch of x [B, N, D]: [B, 1 + N, D]. The row's gradient sums over batches. */
export function prependRow(tape: Tape, row: Variable, x: Variable): Variable {
  const [batch, rows, width] = x.dims as [number, number, number];
  if (row.value.size !== width) {
    throw new RangeError(`prependRow: a row of ${row.value.size} values before rows of ${width}`);
  }
  const src = x.value.data as Float32Array;
  const head = row.value.data as Float32Array;
  const out = new Float32Array(batch * (1 + rows) * width);
  for (let b = 0; b < batch; b++) {
    out.set(head, b * (1 + rows) * width);
    out.set(src.subarray(b * rows * width, (b + 1) * rows * width), (b * (1 + rows) + 1) * width);
  }
  return tape.record(f32([batch, 1 + rows, width], out), [row, x], (grad) => {
    const g = grad.data as Float32Array;
    if (row.requiresGrad) {
      const dRow = new Float32Array(width);
      for (let b = 0; b < batch; b++) {
        const at = b * (1 + rows) * width;
        for (let i = 0; i < width; i++) dRow[i]! += g[at + i]!;
      }
      row.accumulate(f32(row.dims, dRow));
    }
    if (x.requiresGrad) {
      const dx = new Float32Array(src.length);
      for (let b = 0; b < batch; b++) {
        const from = (b * (1 + rows) + 1) * width;
        dx.set(g.subarray(from, from + rows * width), b * rows * width);
      }
      x.accumulate(f32(x.dims, dx));
    }
  });
}
