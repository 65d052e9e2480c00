import { mkdirSync, readFileSync } from 'node:fs';
import type { Backend } from '@unmask/tensor';
import { loadTokenizer } from '@unmask/tokenizer';
import {
  assertReadsWeightsLive,
  deriveSeed,
  EOS_TOKEN,
  MASK_TOKEN,
  Rng,
  splitCorpus,
  TokenWindows,
  TrainError,
  TrainingLog,
  trainBpe,
  writeTokenizerFiles,
} from '@unmask/train';
import type { DlcmConfig } from '../config';
import { saveDlcmCheckpoint } from './checkpoint';
import { type DlcmTrainConfig, resolveDlcmTrainConfig } from './config';
import { DlcmTrainModel } from './model';
import { GroupedAdamW } from './optimizer';
import { type DlcmStepResult, dlcmTrainStep } from './step';
import { type DlcmValidationResult, validateDlcm } from './validate';

export interface DlcmTrainOptions {
  /**
   * A UTF-8 corpus: a byte-level BPE tokenizer of `model.vocabSize` tokens is learned from its
   * training part and written to outDir, and the model's vocabulary and EOS follow it.
   */
  dataFile?: string;
  /** Or the token ids themselves, each below `model.vocabSize` (no tokenizer is written). */
  tokens?: Int32Array;
  /** Where the checkpoint (a DLCM folder `loadDlcm` reads) goes. */
  outDir: string;
  /** The architecture; with `dataFile`, its vocabSize is the tokenizer's target size. */
  model: DlcmConfig;
  config?: Partial<DlcmTrainConfig>;
  /** Runs every op; it must read weights afresh at each call (for onnxruntime: bakeBudgetBytes 0). */
  backend: Backend;
  onEvent?: (event: DlcmTrainEvent) => void;
}

export type DlcmTrainEvent =
  | { type: 'start'; parameters: number; trainTokens: number; validationTokens: number; totalSteps: number }
  | ({ type: 'step'; step: number; totalSteps: number } & DlcmStepResult)
  | ({ type: 'validation'; step: number } & DlcmValidationResult)
  | { type: 'checkpoint'; step: number; dir: string };

/**
 * One line of the run's training_log.jsonl. Token-only models have no concepts: their
 * tokensPerConcept and meanProbability are NaN, written as null.
 */
export type DlcmTrainingLogEntry =
  | ({ type: 'step'; step: number } & DlcmStepResult)
  | ({ type: 'validation'; step: number } & DlcmValidationResult);

export interface DlcmTrainResult {
  model: DlcmTrainModel;
  config: DlcmTrainConfig;
  /** The model config written to outDir (vocabulary and EOS from the tokenizer with `dataFile`). */
  modelConfig: DlcmConfig;
  steps: DlcmStepResult[];
  validation: DlcmValidationResult;
}

/**
 * Trains a DLCM from scratch with next-token CE + lambda * Global Parser loss: random windows,
 * boundaries sampled from the sharpened detector, AdamW (optionally with decoupled-muP rates), warmup
 * + cosine decay, clipping. Validates (bits per token under the inference boundary rule) and writes
 * a checkpoint every so often and at the end; every step and validation goes to training_log.jsonl. A token-only config trains with next-token CE alone
 * (no boundaries, no L_aux; its step and validation events report tokensPerConcept NaN).
 */
export async function trainDlcm(options: DlcmTrainOptions): Promise<DlcmTrainResult> {
  const { backend, outDir } = options;
  const emit = options.onEvent ?? (() => {});
  assertReadsWeightsLive(backend);
  const config = resolveDlcmTrainConfig(options.config);
  const data = await corpusTokens(options, config);
  const modelConfig = data.modelConfig;
  const windows = new TokenWindows(data.train, config.seqLen);
  const held = new TokenWindows(data.validation, config.seqLen);
  const validationSequences = held.evenlySpaced(config.evalSequences);
  const model = DlcmTrainModel.initialize(
    modelConfig,
    new Rng(deriveSeed(config.seed, 'init')),
    config.initStd,
  );
  const ctx = {
    backend,
    model,
    optimizer: new GroupedAdamW(model.parameters, config),
    config,
    windows,
    dataRng: new Rng(deriveSeed(config.seed, 'data')),
    boundaryRng: new Rng(deriveSeed(config.seed, 'boundaries')),
  };
  emit({
    type: 'start',
    parameters: model.parameters.reduce((n, p) => n + p.value.size, 0),
    trainTokens: data.train.length,
    validationTokens: data.validation.length,
    totalSteps: config.steps,
  });
  mkdirSync(outDir, { recursive: true });
  const log = new TrainingLog<DlcmTrainingLogEntry>(outDir, undefined);
  const steps: DlcmStepResult[] = [];
  let validation: DlcmValidationResult | undefined;
  for (let step = 1; step <= config.steps; step++) {
    const result = dlcmTrainStep(ctx, step - 1);
    steps.push(result);
    log.append({ type: 'step', step, ...result });
    emit({ type: 'step', step, totalSteps: config.steps, ...result });
    const last = step === config.steps;
    if (last || (config.evalEvery > 0 && step % config.evalEvery === 0)) {
      validation = validateDlcm(backend, model, validationSequences, config);
      log.append({ type: 'validation', step, ...validation });
      emit({ type: 'validation', step, ...validation });
    }
    if (last || (config.checkpointEvery > 0 && step % config.checkpointEvery === 0)) {
      saveDlcmCheckpoint(outDir, modelConfig, model, { step, config, validation });
      emit({ type: 'checkpoint', step, dir: outDir });
    }
  }
  if (!validation) throw new TrainError(`a run of ${config.steps} steps trains nothing`);
  return { model, config, modelConfig, steps, validation };
}

/** The training and held-out token streams, and the model config they fit. */
async function corpusTokens(
  options: DlcmTrainOptions,
  config: DlcmTrainConfig,
): Promise<{ train: Int32Array; validation: Int32Array; modelConfig: DlcmConfig }> {
  const { tokens, dataFile, model } = options;
  if ((tokens === undefined) === (dataFile === undefined)) {
    throw new TrainError('trainDlcm needs exactly one of dataFile and tokens');
  }
  if (tokens) {
    const outside = tokens.findIndex((id) => id < 0 || id >= model.vocabSize);
    if (outside >= 0) {
      throw new TrainError(
        `token ${tokens[outside]} at ${outside} is outside the vocabulary of ${model.vocabSize}`,
      );
    }
    const cut = Math.floor(tokens.length * (1 - config.heldOutFraction));
    return { train: tokens.subarray(0, cut), validation: tokens.subarray(cut), modelConfig: model };
  }
  const parts = splitCorpus(readFileSync(dataFile!, 'utf8'), config.heldOutFraction);
  const vocab = trainBpe(parts.train, { vocabSize: model.vocabSize, specialTokens: [EOS_TOKEN, MASK_TOKEN] });
  writeTokenizerFiles(options.outDir, vocab, {
    eosToken: EOS_TOKEN,
    maskToken: MASK_TOKEN,
    modelMaxLength: model.maxPositions,
  });
  const tokenizer = await loadTokenizer(options.outDir);
  const encode = (text: string) => Int32Array.from(tokenizer.encode(text, { addSpecialTokens: false }));
  const modelConfig: DlcmConfig = {
    ...model,
    vocabSize: tokenizer.vocabSize,
    eosTokenId: tokenizer.eosTokenId,
    padTokenId: tokenizer.eosTokenId,
    bosTokenId: undefined,
  };
  return { train: encode(parts.train), validation: encode(parts.validation), modelConfig };
}
