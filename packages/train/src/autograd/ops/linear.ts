import { reshape, type Tensor } from '@unmask/tensor';
import { transposeLast2 } from '../layout';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** y = x W^T (Hugging Face layout, no bias). x [..., in]; weight [out, in]. */
export function linear(tape: Tape, x: Variable, weight: Variable): Variable {
  return linears(tape, x, [weight])[0]!;
}

/**
 * Several projections of the same input (q/k/v, gate/up): y_j = x W_j^T. The backward pass is backend
 * matmuls over all rows: dx = sum_j dy_j W_j, and dW_j = dy_j^T x. The backend has no transposed left
 * operand, so dW_j needs a TypeScript transpose: of dy_j [rows, out], or of x [rows, in] (once for
 * every projection) and then of the [out, in] result, whichever copies fewer values.
 */
export function linears(tape: Tape, x: Variable, weights: readonly Variable[]): Variable[] {
  const { backend } = tape;
  const inFeatures = x.dims[x.dims.length - 1]!;
  const rows = x.value.size / inFeatures;
  let inputTransposed: Tensor | undefined;
  const transposedInput = () => {
    inputTransposed ??= transposeLast2(reshape(x.value, [rows, inFeatures]));
    return inputTransposed;
  };
  return weights.map((weight) => {
    const outFeatures = weight.dims[0]!;
    return tape.record(backend.linear(x.value, weight.value), [x, weight], (grad) => {
      const grad2 = reshape(grad, [rows, outFeatures]);
      if (x.requiresGrad) x.accumulate(backend.matmul(grad2, weight.value));
      if (!weight.requiresGrad) return;
      const viaInput = (rows * inFeatures) / weights.length + inFeatures * outFeatures;
      weight.accumulate(
        viaInput < rows * outFeatures
          ? transposeLast2(backend.matmul(transposedInput(), grad2))
          : backend.matmul(transposeLast2(grad2), reshape(x.value, [rows, inFeatures])),
      );
    });
  });
}
