// linear with the weight as a graph input or baked in as an initializer (which onnxruntime prepacks),
// as Gemm transB=1 or as MatMul of the transposed weight (constant-folded when baked).
import { Tensor } from 'onnxruntime-common';
import { type ConstantTensor, GraphBuilder } from '../src/onnx/model';
import { createSession, type OrtSession } from '../src/session';
import { benchOptions, compare, randomF32, row } from './timing';

const options = benchOptions();

function graph(k: number, n: number, form: 'gemm' | 'matmul', weight?: ConstantTensor): GraphBuilder {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['M', k]);
  const w = weight ? g.constant(weight) : g.input('w', 'float32', [n, k]);
  const y =
    form === 'gemm'
      ? g.node('Gemm', [x, w], { transB: { int: 1 } })
      : g.node('MatMul', [x, g.node('Transpose', [w], { perm: { ints: [1, 0] } })]);
  g.output(y, 'y', 'float32', ['M', n]);
  return g;
}

function timedSession(g: GraphBuilder): { session: OrtSession; ms: number } {
  const start = performance.now();
  const session = createSession(g.toModel(), options);
  return { session, ms: performance.now() - start };
}

console.log(
  `linear, ${options.intraOpNumThreads} threads: µs per call (input = weight fed each run; baked = initializer)`,
);
for (const size of [1024, 2048]) {
  const [k, n] = [size, size];
  const data = randomF32(n * k, 3);
  const weight = new Tensor('float32', data, [n, k]);
  const constant: ConstantTensor = { type: 'float32', dims: [n, k], data };
  const gemmInput = timedSession(graph(k, n, 'gemm')).session;
  const matmulInput = timedSession(graph(k, n, 'matmul')).session;
  const gemmBaked = timedSession(graph(k, n, 'gemm', constant));
  const matmulBaked = timedSession(graph(k, n, 'matmul', constant));
  console.log(
    `K=N=${size}: baked session build ${gemmBaked.ms.toFixed(0)} ms (Gemm), ${matmulBaked.ms.toFixed(0)} ms (MatMul)`,
  );
  const columns = ['Gemm input', 'Gemm baked', 'MM input', 'MM baked', 'baked gain%', 'GFLOP/s'];
  console.log(''.padEnd(14) + columns.map((s) => s.padStart(12)).join(''));
  for (const m of [1, 4, 8, 16, 32, 256]) {
    const x = new Tensor('float32', randomF32(m * k, 5), [m, k]);
    const t = compare({
      gemmInput: () => gemmInput.run({ x, w: weight }),
      gemmBaked: () => gemmBaked.session.run({ x }),
      matmulInput: () => matmulInput.run({ x, w: weight }),
      matmulBaked: () => matmulBaked.session.run({ x }),
    });
    const bestInput = Math.min(t.gemmInput!, t.matmulInput!);
    const bestBaked = Math.min(t.gemmBaked!, t.matmulBaked!);
    const gain = (100 * (bestInput - bestBaked)) / bestInput;
    const gflops = (2 * m * n * k) / Math.min(bestInput, bestBaked) / 1e3;
    console.log(row(`M=${m}`, [t.gemmInput!, t.gemmBaked!, t.matmulInput!, t.matmulBaked!, gain, gflops]));
  }
}
