// MatMul throughput: the backend op against a bare onnxruntime MatMul session (the engine's overhead
// as a ratio), and the two forms of a transposed rank-2 b: Gemm transB=1 and MatMul(Transpose(b)).
import { f32 } from '@unmask/tensor';
import { createOrtBackend } from '../src/backend';
import { GraphBuilder } from '../src/onnx/model';
import { createSession } from '../src/session';
import { benchOptions, compare, randomF32, row } from './timing';

const options = benchOptions();
const backend = createOrtBackend(options);

function session(build: (g: GraphBuilder, a: string, b: string) => string, bDims: string[]) {
  const g = new GraphBuilder();
  const y = build(g, g.input('a', 'float32', ['M', 'K']), g.input('b', 'float32', bDims));
  g.output(y, 'y', 'float32', ['M', 'N']);
  return createSession(g.toModel(), options);
}

const bare = session((g, a, b) => g.node('MatMul', [a, b]), ['K', 'N']);
const gemmT = session((g, a, b) => g.node('Gemm', [a, b], { transB: { int: 1 } }), ['N', 'K']);
const matmulT = session(
  (g, a, b) => g.node('MatMul', [a, g.node('Transpose', [b], { perm: { ints: [1, 0] } })]),
  ['N', 'K'],
);

console.log(`matmul, ${options.intraOpNumThreads} threads: GFLOP/s (higher is better)`);
const columns = ['bare MatMul', 'backend', 'ratio', 'Gemm transB', 'MM(T(b))'];
console.log(''.padEnd(14) + columns.map((s) => s.padStart(12)).join(''));
for (const size of [128, 512, 1024, 2048]) {
  const a = f32([size, size], randomF32(size * size, 1));
  const b = f32([size, size], randomF32(size * size, 2));
  const t = compare({
    bare: () => bare.run({ a, b }),
    backend: () => backend.matmul(a, b),
    gemmT: () => gemmT.run({ a, b }),
    matmulT: () => matmulT.run({ a, b }),
  });
  const gflops = (micros: number) => (2 * size ** 3) / micros / 1e3;
  console.log(
    row(
      `${size}^3`,
      [gflops(t.bare!), gflops(t.backend!), t.bare! / t.backend!, gflops(t.gemmT!), gflops(t.matmulT!)],
      2,
    ),
  );
}
