import { reshape, type Tensor } from '@unmask/tensor';
import { transposeLast2 } from '../layout';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/**
 * The backend's batched matmul: a [..., M, K] times b [..., K, N] (or, with transposeB, b [..., N, K]);
 * b may be rank 2 and shared by every batch. Both gradients are backend matmuls; a shared b's gradient
 * sums over the batches by multiplying the flattened rows at once.
 */
export function matmul(
  tape: Tape,
  a: Variable,
  b: Variable,
  options: { transposeB?: boolean } = {},
): Variable {
  const { backend } = tape;
  const transposeB = options.transposeB ?? false;
  const value = backend.matmul(a.value, b.value, { transposeB });
  return tape.record(value, [a, b], (grad) => {
    if (a.requiresGrad) a.accumulate(backend.matmul(grad, b.value, { transposeB: !transposeB }));
    if (!b.requiresGrad) return;
    const shared = b.dims.length === 2 && a.dims.length > 2;
    const flat = (t: Tensor) =>
      shared ? reshape(t, [t.size / t.dims[t.dims.length - 1]!, t.dims[t.dims.length - 1]!]) : t;
    const [left, right] = transposeB ? [grad, a.value] : [a.value, grad];
    // dB = A^T dC, or for a transposed B, dB = dC^T A.
    b.accumulate(backend.matmul(transposeLast2(flat(left)), flat(right)));
  });
}
