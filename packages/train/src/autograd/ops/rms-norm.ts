import { f32 } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/**
 * y = x r w with r = 1 / sqrt(mean(x^2) + eps) per row of the last axis. Backward per row, with
 * gw = dy * w: dx = r gw - x r^3 mean(gw * x), dw = sum over rows of dy * x * r.
 */
export function rmsNorm(tape: Tape, x: Variable, weight: Variable, eps: number): Variable {
  return tape.record(tape.backend.rmsNorm(x.value, weight.value, eps), [x, weight], (grad) => {
    const d = weight.value.size;
    const xs = x.value.data as Float32Array;
    const ws = weight.value.data as Float32Array;
    const gs = grad.data as Float32Array;
    const dx = x.requiresGrad ? new Float32Array(xs.length) : undefined;
    const dw = weight.requiresGrad ? new Float64Array(d) : undefined;
    for (let start = 0; start < xs.length; start += d) {
      let sumSquares = 0;
      let dot = 0;
      for (let i = 0; i < d; i++) {
        const v = xs[start + i]!;
        sumSquares += v * v;
        dot += gs[start + i]! * ws[i]! * v;
      }
      const r = 1 / Math.sqrt(sumSquares / d + eps);
      const correction = (r * r * r * dot) / d;
      for (let i = 0; i < d; i++) {
        const v = xs[start + i]!;
        const g = gs[start + i]!;
        if (dx) dx[start + i] = r * g * ws[i]! - v * correction;
        if (dw) dw[i]! += g * v * r;
      }
    }
    if (dx) x.accumulate(f32(x.dims, dx));
    if (dw) weight.accumulate(f32(weight.dims, Float32Array.from(dw)));
  });
}
