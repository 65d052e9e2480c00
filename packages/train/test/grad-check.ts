import type { Backend, Tensor } from '@unmask/tensor';
import { f32 } from '@unmask/tensor';
import { inputGenerator, type RefInput, type RefOutput, relativeError } from '@unmask/tensor/conformance';
import { Tape, Variable } from '../src';

/**
 * Finite differences of the float64 reference against the tape's analytic gradient.
 *
 * For a random functional L(inputs) = sum_j c_j op(inputs)_j (c uniform in [-1, 1), so every output
 * element matters and none cancels by symmetry), the tape's d L / d input is compared with central
 * differences (L(x + h e_i) - L(x - h e_i)) / 2h of the float64 reference. With h = 1e-4 the
 * difference quotient's truncation error is O(h^2 |L'''|) ~ 1e-8 and its rounding error ~1e-16 / h =
 * 1e-12, so the numeric side is exact to ~1e-8 relative; the analytic side runs in float32 on the
 * backend, whose rounding (unit roundoff 6e-8) over the short sums here stays below ~3e-7 relative. The
 * metric is max |analytic - numeric| / max |numeric| per input; a tolerance of 1e-5 leaves 30x margin
 * over float32 rounding (measured: 1e-8 to 1.7e-7) while a wrong term, sign or index gives errors of
 * order 1.
 */
export const GRAD_TOLERANCE = 1e-5;
/** float32 forward against the float64 reference, same metric. */
export const VALUE_TOLERANCE = 1e-5;

export interface GradCheckCase {
  /** Float inputs by name; those in `differentiable` get gradients. */
  inputs: Record<string, Tensor>;
  differentiable: readonly string[];
  run(tape: Tape, vars: Record<string, Variable>): Variable;
  reference(inputs: Record<string, RefInput>): RefOutput;
  /** Input elements checked by finite differences, at most (a seeded sample of each input). Default 64. */
  maxProbes?: number;
}

export interface GradCheckResult {
  valueError: number;
  gradErrors: Record<string, number>;
}

export function gradCheck(backend: Backend, name: string, c: GradCheckCase): GradCheckResult {
  const random = inputGenerator(`coefficients:${name}`);
  const tape = new Tape(backend);
  const vars = Object.fromEntries(
    Object.entries(c.inputs).map(([key, t]) => [key, new Variable(t, c.differentiable.includes(key))]),
  );
  const out = c.run(tape, vars);
  const coefficients = Float64Array.from({ length: out.value.size }, () => random.uniform());
  const outData = out.value.data as Float32Array;
  const value = outData.reduce((s, y, j) => s + y * coefficients[j]!, 0);
  const functional = tape.record(f32([], [value]), [out], (grad) => {
    const g = (grad.data as Float32Array)[0]!;
    out.accumulate(
      f32(
        out.dims,
        Float32Array.from(coefficients, (cj) => cj * g),
      ),
    );
  });
  tape.backward(functional);

  const asRef = (t: Tensor): RefInput & { type: string } => ({
    dims: t.dims,
    data: t.type === 'float32' ? Float64Array.from(t.data as Float32Array) : (t.data as ArrayLike<number>),
    type: t.type,
  });
  const refInputs = Object.fromEntries(Object.entries(c.inputs).map(([key, t]) => [key, asRef(t)]));
  const expected = c.reference(refInputs);
  const valueError = relativeError(outData, expected.data);
  const loss = () => c.reference(refInputs).data.reduce((s, y, j) => s + y * coefficients[j]!, 0);

  const gradErrors: Record<string, number> = {};
  const h = 1e-4;
  for (const key of c.differentiable) {
    const data = refInputs[key]!.data as Float64Array;
    const analytic = (vars[key]!.grad?.data as Float32Array | undefined) ?? new Float32Array(data.length);
    const probes = sample(data.length, c.maxProbes ?? 64, `${name}:${key}`);
    const numeric: number[] = [];
    const picked: number[] = [];
    for (const i of probes) {
      const saved = data[i]!;
      data[i] = saved + h;
      const plus = loss();
      data[i] = saved - h;
      const minus = loss();
      data[i] = saved;
      numeric.push((plus - minus) / (2 * h));
      picked.push(analytic[i]!);
    }
    gradErrors[key] = relativeError(picked, numeric);
  }
  return { valueError, gradErrors };
}

/** Every index when there are few, else a seeded sample of `count` distinct ones. */
function sample(length: number, count: number, seed: string): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  return inputGenerator(`probes:${seed}`).permutation(length).slice(0, count);
}
