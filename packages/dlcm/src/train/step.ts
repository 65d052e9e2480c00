import type { Backend } from '@unmask/tensor';
import { clipGradNorm, learningRate, type Rng, type TokenWindows } from '@unmask/train';
import type { DlcmTrainConfig } from './config';
import { accumulateDlcmGradients } from './gradients';
import type { DlcmTrainModel } from './model';
import type { GroupedAdamW } from './optimizer';

/** What one optimiser step needs; the RNGs advance as it draws windows and boundaries. */
export interface DlcmStepContext {
  backend: Backend;
  model: DlcmTrainModel;
  optimizer: GroupedAdamW;
  config: DlcmTrainConfig;
  windows: TokenWindows;
  dataRng: Rng;
  boundaryRng: Rng;
}

export interface DlcmStepResult {
  /** L_CE + lambda * L_aux (L_CE for a token-only model). */
  loss: number;
  /** Mean next-token cross-entropy, nats. */
  crossEntropy: number;
  /** L_aux; 0 for a token-only model, which has none. */
  auxLoss: number;
  /** Realised tokens per concept of the step's sampled boundaries (1 / F); NaN for a token-only model. */
  tokensPerConcept: number;
  /** G: the mean boundary probability; NaN for a token-only model. */
  meanProbability: number;
  gradNorm: number;
  lr: number;
}

/** One optimiser step: windows for every micro-batch, gradients (`accumulateDlcmGradients`), clipping, update. */
export function dlcmTrainStep(ctx: DlcmStepContext, step: number): DlcmStepResult {
  const { backend, model, config, windows } = ctx;
  for (const p of model.parameters) p.zeroGrad();
  const microBatches: Int32Array[] = [];
  for (let done = 0; done < config.batchSize; done += config.microBatchSize) {
    microBatches.push(windows.sample(ctx.dataRng, config.microBatchSize));
  }
  const result = accumulateDlcmGradients(backend, model, microBatches, {
    seqLen: config.seqLen,
    auxWeight: config.auxWeight,
    temperature: config.temperature,
    straightThrough: config.detectorGradient === 'straight-through',
    boundaryRng: ctx.boundaryRng,
  });
  const gradNorm = config.clipNorm > 0 ? clipGradNorm(model.parameters, config.clipNorm) : Number.NaN;
  const lr = learningRate(step, {
    peak: config.peakLr,
    warmupSteps: config.warmupSteps,
    totalSteps: config.steps,
    minRatio: config.minLrRatio,
  });
  ctx.optimizer.update(lr);
  return {
    loss: result.loss,
    crossEntropy: result.crossEntropy,
    auxLoss: result.aux?.value ?? 0,
    tokensPerConcept: result.aux?.tokensPerConcept ?? Number.NaN,
    meanProbability: result.aux?.meanProbability ?? Number.NaN,
    gradNorm,
    lr,
  };
}
