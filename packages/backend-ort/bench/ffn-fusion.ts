// Is the fused SwiGLU FFN worth it? backend.swigluFfn (one session: rmsNorm, gate/up, swiglu, down,
// residual) against the same block as five backend ops. Weights are baked in both.
import { f32 } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import { createOrtBackend } from '../src/backend';
import { benchOptions, compare, randomF32, row } from './timing';

const options = benchOptions();
const EPS = 1e-5;
const backend = createOrtBackend(options);

console.log(`SwiGLU FFN, ${options.intraOpNumThreads} threads: µs per call (fused session vs 5 backend ops)`);
console.log(''.padEnd(14) + ['fused', 'separate', 'gain %'].map((s) => s.padStart(12)).join(''));
for (const [d, f] of [
  [256, 704],
  [1024, 2816],
  [2048, 5632],
] as const) {
  const w = {
    norm: f32([d], randomF32(d, 1)),
    gate: f32([f, d], randomF32(f * d, 2)),
    up: f32([f, d], randomF32(f * d, 3)),
    down: f32([d, f], randomF32(d * f, 4)),
  };
  const separate = (x: Tensor) => {
    const h = backend.rmsNorm(x, w.norm, EPS);
    const act = backend.swiglu(backend.linear(h, w.gate), backend.linear(h, w.up));
    return backend.add(x, backend.linear(act, w.down));
  };
  for (const m of [1, 32, 256]) {
    const x = f32([m, d], randomF32(m * d, 5));
    const times = compare({ fused: () => backend.swigluFfn(x, w, EPS), separate: () => separate(x) });
    const gain = (100 * (times.separate! - times.fused!)) / times.separate!;
    console.log(row(`d=${d} M=${m}`, [times.fused!, times.separate!, gain]));
  }
}
