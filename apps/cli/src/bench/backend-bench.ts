import { type Backend, getBackend } from '@unmask/tensor';
import { bareMatmul } from './bare-matmul';
import { buildStack, LLADA_BENCH_STACK, type StackShape, stackFlops } from './llada-stack';
import { opCases } from './op-cases';
import { randomTensor, seededRandom } from './random';
import { DEFAULT_TIMING, type TimingOptions, timeInterleaved, timeIt } from './timing';

export interface BackendBenchOptions {
  /** onnxruntime intra-op threads of the bare MatMul (the backend uses its own default). */
  threads: number;
  /** Backends whose ops are timed; the first one also runs the forward pass. */
  backends: string[];
  matmulShapes: { m: number; k: number; n: number }[];
  opRows: number;
  stack: StackShape;
  forwardSeqs: number[];
  timing: TimingOptions;
}

export interface BackendBenchResult {
  threads: number;
  matmul: { m: number; k: number; n: number; gflops: number }[];
  ops: { op: string; shape: string; backend: string; ms: number; throughput: number; unit: string }[];
  forward: {
    seq: number;
    backend: string;
    ms: number;
    gflops: number;
    matmulGflops: number;
    ratio: number;
  }[];
}

export function defaultBackendBench(threads: number): BackendBenchOptions {
  const matmulShapes = [1, 32, 256].flatMap((m) => [1024, 2048].map((kn) => ({ m, k: kn, n: kn })));
  return {
    threads,
    backends: ['ort', 'cpu'],
    matmulShapes,
    opRows: 256,
    stack: LLADA_BENCH_STACK,
    forwardSeqs: [256, 1024],
    timing: DEFAULT_TIMING,
  };
}

const gflops = (flops: number, seconds: number) => flops / seconds / 1e9;

export function runBackendBench(
  options: BackendBenchOptions,
  progress: (line: string) => void,
): BackendBenchResult {
  const random = seededRandom(3);
  const result: BackendBenchResult = { threads: options.threads, matmul: [], ops: [], forward: [] };

  for (const { m, k, n } of options.matmulShapes) {
    const run = bareMatmul(randomTensor([m, k], random), randomTensor([k, n], random), options.threads);
    const seconds = timeIt(run, options.timing);
    result.matmul.push({ m, k, n, gflops: gflops(2 * m * k * n, seconds) });
    progress(`bare MatMul ${m}x${k}x${n}: ${gflops(2 * m * k * n, seconds).toFixed(1)} GFLOP/s`);
  }

  const backends: [string, Backend][] = options.backends.map((name) => [name, getBackend(name)]);
  const { stack } = options;
  for (const c of opCases(options.opRows, stack.width, stack.heads)) {
    const seconds = timeInterleaved(
      backends.map(
        ([, backend]) =>
          () =>
            c.run(backend),
      ),
      options.timing,
    );
    backends.forEach(([name], i) => {
      const s = seconds[i]!;
      const throughput = c.unit === 'GFLOP/s' ? gflops(c.work, s) : c.work / s / 1e6;
      result.ops.push({ op: c.op, shape: c.shape, backend: name, ms: s * 1e3, throughput, unit: c.unit });
    });
    progress(
      `op ${c.op}: ${backends.map(([name], i) => `${name} ${(seconds[i]! * 1e3).toFixed(2)} ms`).join(', ')}`,
    );
  }

  const [forwardName, forwardBackend] = backends[0]!;
  const model = buildStack(stack);
  for (const seq of options.forwardSeqs) {
    const x = randomTensor([1, seq, stack.width], random);
    const matmul = bareMatmul(
      randomTensor([seq, stack.width], random),
      randomTensor([stack.width, stack.width], random),
      options.threads,
    );
    // Forward and its yardstick alternate, so the ratio compares runs made under the same load.
    const [forwardS, matmulS] = timeInterleaved(
      [() => model.forward(forwardBackend, x), matmul],
      options.timing,
    );
    const fwd = gflops(stackFlops(stack, seq), forwardS!);
    const base = gflops(2 * seq * stack.width * stack.width, matmulS!);
    result.forward.push({
      seq,
      backend: forwardName,
      ms: forwardS! * 1e3,
      gflops: fwd,
      matmulGflops: base,
      ratio: fwd / base,
    });
    progress(
      `forward seq ${seq} on ${forwardName}: ${fwd.toFixed(1)} GFLOP/s, ${(fwd / base).toFixed(2)} of bare MatMul`,
    );
  }
  return result;
}
