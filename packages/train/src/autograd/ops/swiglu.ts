import { f32 } from '@unmask/tensor';
import type { Tape } from '../tape';
import type { Variable } from '../variable';

/** silu(gate) * up (LLaMA's FFN activation); same shapes. d silu(v) / dv = s (1 + v (1 - s)), s = sigmoid(v). */
export function swiglu(tape: Tape, gate: Variable, up: Variable): Variable {
  return tape.record(tape.backend.swiglu(gate.value, up.value), [gate, up], (grad) => {
    const g = gate.value.data as Float32Array;
    const u = up.value.data as Float32Array;
    const dy = grad.data as Float32Array;
    const dGate = new Float32Array(g.length);
    const dUp = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      const s = 1 / (1 + Math.exp(-v));
      dGate[i] = dy[i]! * u[i]! * s * (1 + v * (1 - s));
      dUp[i] = dy[i]! * v * s;
    }
    if (gate.requiresGrad) gate.accumulate(f32(gate.dims, dGate));
    if (up.requiresGrad) up.accumulate(f32(up.dims, dUp));
  });
}

/** x * sigmoid(x). */
export function silu(tape: Tape, x: Variable): Variable {
  return tape.record(tape.backend.silu(x.value), [x], (grad) => {
    const xs = x.value.data as Float32Array;
    const dy = grad.data as Float32Array;
    const dx = new Float32Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      const s = 1 / (1 + Math.exp(-v));
      dx[i] = dy[i]! * s * (1 + v * (1 - s));
    }
    x.accumulate(f32(x.dims, dx));
  });
}
