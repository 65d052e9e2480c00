import type { Backend } from '@unmask/tensor';
import { Tape } from './autograd/tape';
import type { TrainConfig } from './config';
import type { TokenWindows } from './data/token-windows';
import type { LladaTrainModel } from './model/llada-model';
import { maskBatch, maskedDiffusionLoss } from './objective/masked-diffusion';
import type { AdamW } from './optim/adamw';
import { clipGradNorm } from './optim/clip';
import { learningRate } from './optim/schedule';
import type { Rng } from './random';

/** What one optimizer step needs; the RNGs advance as it draws windows and masks. */
export interface StepContext {
  backend: Backend;
  model: LladaTrainModel;
  optimizer: AdamW;
  config: TrainConfig;
  windows: TokenWindows;
  dataRng: Rng;
  maskRng: Rng;
}

export interface StepResult {
  /** The step's objective (summed over its micro-batches, each normalised by the step's tokens). */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  lr: number;
  maskedTokens: number;
}

/**
 * One optimizer step: for each micro-batch, draw windows, mask them, forward and backward (gradients
 * accumulate in the parameters); then clip, and update with the schedule's learning rate for `step`.
 */
export function trainStep(ctx: StepContext, step: number): StepResult {
  const { backend, model, optimizer, config, windows } = ctx;
  const maskTokenId = model.config.maskTokenId!;
  for (const p of model.parameters) p.zeroGrad();
  let loss = 0;
  let maskedTokens = 0;
  for (let done = 0; done < config.batchSize; done += config.microBatchSize) {
    const clean = windows.sample(ctx.dataRng, config.microBatchSize);
    const masked = maskBatch(clean, config.microBatchSize, config.seqLen, maskTokenId, ctx.maskRng, {
      eps: config.maskEps,
      normaliser: config.batchSize * config.seqLen,
    });
    const tape = new Tape(backend);
    const microLoss = maskedDiffusionLoss(tape, model, masked);
    tape.backward(microLoss);
    loss += (microLoss.value.data as Float32Array)[0]!;
    maskedTokens += masked.targets.length;
  }
  const gradNorm = config.clipNorm > 0 ? clipGradNorm(model.parameters, config.clipNorm) : Number.NaN;
  const lr = learningRate(step, {
    peak: config.peakLr,
    warmupSteps: config.warmupSteps,
    totalSteps: config.steps,
    minRatio: config.minLrRatio,
  });
  optimizer.update(lr);
  return { loss, gradNorm, lr, maskedTokens };
}
