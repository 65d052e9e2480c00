import { createOrtBackend } from '@unmask/backend-ort';
import { DEFAULT_TRAIN_CONFIG, measureTrainThroughput, type ThroughputResult } from '@unmask/train';
import { bareMatmul } from './bare-matmul';
import { randomTensor, seededRandom } from './random';
import { timeIt } from './timing';

export interface TrainBenchResult extends ThroughputResult {
  threads: number;
  /** The step's most common GEMM (the FFN up projection of one micro-batch), timed between the steps. */
  bareMatmul: { m: number; k: number; n: number; gflops: number };
  /** Training GFLOP/s (matmul-shaped work) over bare MatMul GFLOP/s. */
  ratio: number;
}

/** Training throughput of the default ~3M-parameter LLaDA on onnxruntime, as a ratio to bare MatMul in the same run. */
export function runTrainBench(threads: number, quick: boolean): TrainBenchResult {
  const config = quick
    ? {
        batchSize: 2,
        microBatchSize: 2,
        seqLen: 32,
        model: { hiddenSize: 64, numLayers: 1, intermediateSize: 128, vocabSize: 256 },
      }
    : {};
  const model = { ...DEFAULT_TRAIN_CONFIG.model, ...config.model };
  const shape = {
    m:
      (config.microBatchSize ?? DEFAULT_TRAIN_CONFIG.microBatchSize) *
      (config.seqLen ?? DEFAULT_TRAIN_CONFIG.seqLen),
    k: model.hiddenSize,
    n: model.intermediateSize,
  };
  const random = seededRandom(5);
  const matmul = bareMatmul(
    randomTensor([shape.m, shape.k], random),
    randomTensor([shape.k, shape.n], random),
    threads,
  );
  const matmulSeconds: number[] = [];
  const result = measureTrainThroughput({
    backend: createOrtBackend({ bakeBudgetBytes: 0, intraOpNumThreads: threads }),
    config,
    steps: quick ? 2 : 5,
    // Timed between the steps, so both see the same machine load.
    between: () => matmulSeconds.push(timeIt(matmul, { budgetMs: 50, minRuns: 5, warmupRuns: 1 })),
  });
  matmulSeconds.sort((a, b) => a - b);
  const gflops = (2 * shape.m * shape.k * shape.n) / matmulSeconds[matmulSeconds.length >> 1]! / 1e9;
  return { threads, ...result, bareMatmul: { ...shape, gflops }, ratio: result.gflops / gflops };
}
