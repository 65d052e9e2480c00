// Training throughput of the ~3M-parameter default LLaDA on onnxruntime, as a ratio to a bare MatMul
// timed interleaved in the same run (this shared machine's speed drifts; ratios stay honest).
// Run: pnpm --filter @unmask/train bench [-- --steps N --micro M --threads T]
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createOrtBackend, createSession, GraphBuilder } from '@unmask/backend-ort';
import { f32, type Tensor } from '@unmask/tensor';
import { DEFAULT_TRAIN_CONFIG, measureTrainThroughput } from '../src';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '5' },
    micro: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.microBatchSize) },
    batch: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.batchSize) },
    threads: { type: 'string', default: String(availableParallelism()) },
  },
});
const threads = Number(values.threads);

/** One session holding a single MatMul, both operands fed as inputs (the CLI's yardstick). */
function bareMatmul(m: number, k: number, n: number): () => number {
  const g = new GraphBuilder();
  const y = g.node('MatMul', [g.input('a', 'float32', ['M', 'K']), g.input('b', 'float32', ['K', 'N'])]);
  g.output(y, 'y', 'float32', ['M', 'N']);
  const session = createSession(g.toModel(), { intraOpNumThreads: threads, allowSpinning: true });
  const random = (dims: number[]): Tensor =>
    f32(
      dims,
      Float32Array.from({ length: dims[0]! * dims[1]! }, () => Math.random() - 0.5),
    );
  const feeds = { a: random([m, k]), b: random([k, n]) };
  return () => {
    const start = performance.now();
    session.run(feeds);
    return (performance.now() - start) / 1000;
  };
}

const micro = Number(values.micro);
const { model, seqLen } = DEFAULT_TRAIN_CONFIG;
// The FFN's up projection over one micro-batch: the step's most common GEMM shape.
const shape = { m: micro * seqLen, k: model.hiddenSize, n: model.intermediateSize };
const matmul = bareMatmul(shape.m, shape.k, shape.n);
const matmulSamples: number[] = [];
const result = measureTrainThroughput({
  backend: createOrtBackend({ bakeBudgetBytes: 0, intraOpNumThreads: threads }),
  config: { batchSize: Number(values.batch), microBatchSize: micro },
  steps: Number(values.steps),
  between: () => {
    for (let i = 0; i < 20; i++) matmulSamples.push(matmul());
  },
});
matmulSamples.sort((a, b) => a - b);
const bareGflops = (2 * shape.m * shape.k * shape.n) / matmulSamples[matmulSamples.length >> 1]! / 1e9;
console.log(
  JSON.stringify(
    {
      threads,
      ...result,
      bareMatmul: { ...shape, gflops: bareGflops },
      ratioToBareMatmul: result.gflops / bareGflops,
    },
    null,
    2,
  ),
);
