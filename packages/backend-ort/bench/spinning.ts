// Spinning intra-op threads against sleeping ones, on the way a model runs: a chain of different
// sessions (an FFN block as five backend ops, weights baked), each with its own thread pool.
// Reports wall time and the CPU time the process burnt per block.
import { availableParallelism } from 'node:os';
import { f32 } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import { createOrtBackend, type OrtBackendOptions } from '../src/backend';
import { randomF32, row } from './timing';

const [d, f] = [1024, 2816];
const threads = Number(process.env.THREADS ?? availableParallelism());
const w = {
  norm: f32([d], randomF32(d, 1)),
  gate: f32([f, d], randomF32(f * d, 2)),
  up: f32([f, d], randomF32(f * d, 3)),
  down: f32([d, f], randomF32(d * f, 4)),
};
const configs: Record<string, OrtBackendOptions> = {
  '1t': { intraOpNumThreads: 1 },
  spin: { intraOpNumThreads: threads, allowSpinning: true },
  sleep: { intraOpNumThreads: threads, allowSpinning: false },
};

console.log(`FFN block d=${d} f=${f} as 5 ops, 1 thread (1t) or ${threads} threads spinning or sleeping:`);
console.log('wall µs and CPU µs per block (best of 5 rounds)');
const columns = Object.keys(configs).flatMap((k) => [`${k} wall`, `${k} cpu`]);
console.log(''.padEnd(14) + columns.map((s) => s.padStart(12)).join(''));
const backends = Object.values(configs).map((options) => createOrtBackend(options));
for (const m of [1, 32, 256]) {
  const x = f32([m, d], randomF32(m * d, 5));
  const results: number[] = [];
  for (const backend of backends) {
    const block = (input: Tensor) => {
      const h = backend.rmsNorm(input, w.norm, 1e-5);
      return backend.add(
        input,
        backend.linear(backend.swiglu(backend.linear(h, w.gate), backend.linear(h, w.up)), w.down),
      );
    };
    for (let i = 0; i < 3; i++) block(x);
    const calls = Math.max(3, Math.round(20_000 / (m * 20)));
    let best = { wall: Number.POSITIVE_INFINITY, cpu: 0 };
    for (let round = 0; round < 5; round++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) block(x);
      const wall = ((performance.now() - t0) * 1000) / calls;
      const cpu = process.cpuUsage(cpu0);
      if (wall < best.wall) best = { wall, cpu: (cpu.user + cpu.system) / calls };
    }
    results.push(best.wall, best.cpu);
  }
  console.log(row(`M=${m}`, results, 0));
}
