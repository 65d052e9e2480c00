import type { Backend, Tensor } from '@unmask/tensor';
import { llada } from '@unmask/transformer';
import { assertReadsWeightsLive } from './backend-check';
import { resolveTrainConfig, type TrainConfigInput } from './config';
import { TokenWindows } from './data/token-windows';
import { lladaConfigJson } from './model/architecture';
import { LladaTrainModel } from './model/llada-model';
import { AdamW } from './optim/adamw';
import { Rng } from './random';
import { trainStep } from './train-step';

export interface ThroughputOptions {
  /** Must read weights live (e.g. createOrtBackend({ bakeBudgetBytes: 0 })). */
  backend: Backend;
  /** The model and batch to time; default DEFAULT_TRAIN_CONFIG's (~3M parameters, 128-token sequences). */
  config?: TrainConfigInput;
  /** Timed optimizer steps (after one untimed warmup step). Default 5. */
  steps?: number;
  /** Called after each timed step, outside the timing: where a caller times its yardstick interleaved. */
  between?: () => void;
}

export interface ThroughputResult {
  parameters: number;
  tokensPerStep: number;
  /** Median seconds per optimizer step. */
  stepSeconds: number;
  tokensPerSecond: number;
  /** FLOPs of the step's matmuls and linears (forward and backward), counted as they run. */
  matmulFlopsPerStep: number;
  /** matmulFlopsPerStep / stepSeconds, in GFLOP/s: comparable with a bare MatMul's rate. */
  gflops: number;
  /** Fraction of the step spent inside backend matmul/linear calls (the rest: other ops and TypeScript). */
  matmulTimeShare: number;
}

/**
 * Times whole optimizer steps of the masked-diffusion objective on random tokens, counting the FLOPs of
 * every matmul-shaped backend call and the time spent in them.
 */
export function measureTrainThroughput(options: ThroughputOptions): ThroughputResult {
  assertReadsWeightsLive(options.backend);
  const config = resolveTrainConfig({ checkpointEvery: 0, evalEvery: 0, ...options.config });
  const vocabSize = config.model.vocabSize;
  const modelConfig = llada.parseConfig(
    lladaConfigJson({ ...config.model, maskTokenId: vocabSize - 1, eosTokenId: vocabSize - 2 }),
    'throughput',
  );
  const rng = new Rng(1);
  const model = LladaTrainModel.initialize(modelConfig, rng, config.model.initStd);
  const tokens = Int32Array.from({ length: 64 * config.seqLen }, () => rng.int(vocabSize - 1));
  const counter = countingBackend(options.backend);
  const ctx = {
    backend: counter.backend,
    model,
    optimizer: new AdamW(model.parameters),
    config,
    windows: new TokenWindows(tokens, config.seqLen),
    dataRng: new Rng(2),
    maskRng: new Rng(3),
  };
  trainStep(ctx, 0);
  const samples: { seconds: number; flops: number; matmulSeconds: number }[] = [];
  for (let step = 1; step <= (options.steps ?? 5); step++) {
    counter.reset();
    const start = performance.now();
    trainStep(ctx, step);
    samples.push({
      seconds: (performance.now() - start) / 1000,
      flops: counter.flops,
      matmulSeconds: counter.seconds,
    });
    options.between?.();
  }
  samples.sort((a, b) => a.seconds - b.seconds);
  const median = samples[samples.length >> 1]!;
  const tokensPerStep = config.batchSize * config.seqLen;
  return {
    parameters: model.parameters.reduce((n, p) => n + p.value.size, 0),
    tokensPerStep,
    stepSeconds: median.seconds,
    tokensPerSecond: tokensPerStep / median.seconds,
    matmulFlopsPerStep: median.flops,
    gflops: median.flops / median.seconds / 1e9,
    matmulTimeShare: median.matmulSeconds / median.seconds,
  };
}

/** The backend with its matmul and linear calls counted (FLOPs) and timed. */
function countingBackend(backend: Backend) {
  let flops = 0;
  let seconds = 0;
  const timed = (run: () => Tensor): Tensor => {
    const start = performance.now();
    const out = run();
    seconds += (performance.now() - start) / 1000;
    return out;
  };
  const counted: Backend = {
    ...backend,
    matmul: (a, b, opts) => {
      const k = a.dims[a.dims.length - 1]!;
      const out = timed(() => backend.matmul(a, b, opts));
      flops += 2 * out.size * k;
      return out;
    },
    linear: (x, weight, bias) => {
      const out = timed(() => backend.linear(x, weight, bias));
      flops += 2 * out.size * weight.dims[1]!;
      return out;
    },
  };
  return {
    backend: counted,
    get flops() {
      return flops;
    },
    get seconds() {
      return seconds;
    },
    reset() {
      flops = 0;
      seconds = 0;
    },
  };
}
