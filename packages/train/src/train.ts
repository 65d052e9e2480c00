import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '@unmask/tensor';
import { loadTokenizer, type Tokenizer } from '@unmask/tokenizer';
import { llada } from '@unmask/transformer';
import { assertReadsWeightsLive } from './backend-check';
import { trainBpe } from './bpe/train';
import { writeTokenizerFiles } from './bpe/write';
import { loadCheckpoint, saveCheckpoint } from './checkpoint/run-checkpoint';
import { TrainingLog } from './checkpoint/training-log';
import { TRAINING_STATE_FILE, type TrainingProgress } from './checkpoint/training-state';
import { resolveTrainConfig, resumedConfig, type TrainConfig, type TrainConfigInput } from './config';
import { splitCorpus } from './data/corpus';
import { TokenWindows } from './data/token-windows';
import { TrainError } from './errors';
import { type LladaArchitecture, lladaConfigJson } from './model/architecture';
import { LladaTrainModel } from './model/llada-model';
import { AdamW } from './optim/adamw';
import { deriveSeed, Rng } from './random';
import { trainStep } from './train-step';
import { type ValidationResult, validate } from './validate';

export const EOS_TOKEN = '<|endoftext|>';
export const MASK_TOKEN = '<|mdm_mask|>';

export interface TrainOptions {
  /** A UTF-8 text corpus; its tail (config.heldOutFraction) is held out for validation. */
  dataFile: string;
  /** Where the tokenizer, the model (an official LLaDA folder) and the training state go. */
  outDir: string;
  /**
   * Runs every op. It must read weights afresh at each call (checked): for onnxruntime,
   * createOrtBackend({ bakeBudgetBytes: 0 }).
   */
  backend: Backend;
  config?: TrainConfigInput;
  /** Continue the run checkpointed in outDir (its settings; any given in `config` must agree). */
  resume?: boolean;
  /** Stop (with a checkpoint) after this step instead of at the end of the run; the schedule is unchanged. */
  stopAfterStep?: number;
  onEvent?: (event: TrainEvent) => void;
}

export type TrainEvent =
  | {
      type: 'start';
      step: number;
      totalSteps: number;
      parameters: number;
      trainTokens: number;
      validationTokens: number;
      resumed: boolean;
    }
  | {
      type: 'step';
      step: number;
      totalSteps: number;
      loss: number;
      lr: number;
      gradNorm: number;
      tokensPerSecond: number;
      etaSeconds: number;
    }
  | ({ type: 'validation'; step: number } & ValidationResult)
  | { type: 'checkpoint'; step: number; dir: string };

export interface TrainResult {
  step: number;
  config: TrainConfig;
  /** Training objective of each step run by this call, in order. */
  losses: number[];
  validation: ValidationResult | undefined;
}

/** What training_state.json keeps besides the step and RNG states. */
interface RunRecord {
  config: TrainConfig;
  corpus: { bytes: number; sha256: string };
}

/**
 * Trains (or resumes training) a LLaDA-architecture masked diffusion LM on a text file: a byte-level
 * BPE tokenizer learned from the training text, random windows of `seqLen` tokens, the LLaDA objective,
 * AdamW with warmup + cosine decay. Validates and checkpoints into outDir periodically and at the end.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { backend, outDir } = options;
  const emit = options.onEvent ?? (() => {});
  assertReadsWeightsLive(backend);
  const bytes = readFileSync(options.dataFile);
  const corpus = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  const text = bytes.toString('utf8');
  const run = options.resume ? resumeRun(options, corpus) : await startRun(options, text);
  const { config, model, optimizer } = run;
  const tokenizer = await loadTokenizer(outDir);
  const parts = splitCorpus(text, config.heldOutFraction);
  const encode = (s: string) => Int32Array.from(tokenizer.encode(s, { addSpecialTokens: false }));
  const windows = new TokenWindows(encode(parts.train), config.seqLen);
  const held = new TokenWindows(encode(parts.validation), config.seqLen);
  const validationSequences = held.evenlySpaced(config.evalSequences);
  const runValidation = () =>
    validate(backend, model, validationSequences, {
      seqLen: config.seqLen,
      microBatchSize: config.microBatchSize,
      maskEps: config.maskEps,
      seed: deriveSeed(config.seed, 'validation'),
    });

  let step = run.step;
  const stopAt = Math.min(config.steps, options.stopAfterStep ?? config.steps);
  const parameters = model.parameters.reduce((n, p) => n + p.value.size, 0);
  emit({
    type: 'start',
    step,
    totalSteps: config.steps,
    parameters,
    trainTokens: windows.tokens.length,
    validationTokens: held.tokens.length,
    resumed: options.resume ?? false,
  });
  const ctx = { backend, model, optimizer, config, windows, dataRng: run.dataRng, maskRng: run.maskRng };
  const checkpoint = () => {
    const progress: TrainingProgress<RunRecord> = {
      step,
      rng: { data: run.dataRng.state, mask: run.maskRng.state },
      run: { config, corpus },
    };
    saveCheckpoint(outDir, model, optimizer, progress);
    emit({ type: 'checkpoint', step, dir: outDir });
  };
  const log = new TrainingLog(outDir, options.resume ? run.step : undefined);
  const losses: number[] = [];
  let validation: ValidationResult | undefined;
  const started = performance.now();
  const firstStep = step;
  while (step < stopAt) {
    const result = trainStep(ctx, step);
    step++;
    losses.push(result.loss);
    const seconds = (performance.now() - started) / 1000;
    const done = step - firstStep;
    const progress = {
      step,
      loss: result.loss,
      lr: result.lr,
      gradNorm: result.gradNorm,
      tokensPerSecond: (done * config.batchSize * config.seqLen) / seconds,
    };
    log.append({ type: 'step', ...progress });
    emit({
      type: 'step',
      ...progress,
      totalSteps: config.steps,
      etaSeconds: ((stopAt - step) * seconds) / done,
    });
    const last = step === stopAt;
    if (last || (config.evalEvery > 0 && step % config.evalEvery === 0)) {
      validation = runValidation();
      log.append({ type: 'validation', step, ...validation });
      emit({ type: 'validation', step, ...validation });
    }
    if (last || (config.checkpointEvery > 0 && step % config.checkpointEvery === 0)) checkpoint();
  }
  return { step, config, losses, validation };
}

interface Run {
  config: TrainConfig;
  model: LladaTrainModel;
  optimizer: AdamW;
  step: number;
  dataRng: Rng;
  maskRng: Rng;
}

function adamW(model: LladaTrainModel, config: TrainConfig): AdamW {
  return new AdamW(model.parameters, {
    beta1: config.beta1,
    beta2: config.beta2,
    eps: config.adamEps,
    weightDecay: config.weightDecay,
  });
}

async function startRun(options: TrainOptions, text: string): Promise<Run> {
  const { outDir } = options;
  if (existsSync(join(outDir, TRAINING_STATE_FILE))) {
    throw new TrainError(`${outDir} already holds a training run: resume it, or choose another folder`);
  }
  const config = resolveTrainConfig(options.config);
  const vocab = trainBpe(splitCorpus(text, config.heldOutFraction).train, {
    vocabSize: config.model.vocabSize,
    specialTokens: [EOS_TOKEN, MASK_TOKEN],
  });
  writeTokenizerFiles(outDir, vocab, {
    eosToken: EOS_TOKEN,
    maskToken: MASK_TOKEN,
    modelMaxLength: config.model.maxPositions,
  });
  const tokenizer = await loadTokenizer(outDir);
  const modelConfig = llada.parseConfig(lladaConfigJson(architecture(config, tokenizer)), outDir);
  const model = LladaTrainModel.initialize(
    modelConfig,
    new Rng(deriveSeed(config.seed, 'init')),
    config.model.initStd,
  );
  return {
    config,
    model,
    optimizer: adamW(model, config),
    step: 0,
    dataRng: new Rng(deriveSeed(config.seed, 'data')),
    maskRng: new Rng(deriveSeed(config.seed, 'mask')),
  };
}

function architecture(config: TrainConfig, tokenizer: Tokenizer): LladaArchitecture {
  const { maskTokenId, eosTokenId } = tokenizer;
  if (maskTokenId === undefined) throw new TrainError(`the tokenizer has no mask token`);
  const { hiddenSize, numLayers, numHeads, numKvHeads, intermediateSize, ropeTheta, normEps, maxPositions } =
    config.model;
  return {
    hiddenSize,
    numLayers,
    numHeads,
    numKvHeads,
    intermediateSize,
    vocabSize: tokenizer.vocabSize,
    ropeTheta,
    normEps,
    maxPositions,
    maskTokenId,
    eosTokenId,
  };
}

function resumeRun(options: TrainOptions, corpus: RunRecord['corpus']): Run {
  const { model, optimizer: state, progress } = loadCheckpoint<RunRecord>(options.outDir);
  const config = resumedConfig(progress.run.config, options.config);
  if (progress.run.corpus.sha256 !== corpus.sha256) {
    throw new TrainError(
      `${options.dataFile} is not the corpus this run was trained on (its SHA-256 differs)`,
    );
  }
  const optimizer = adamW(model, config);
  optimizer.load(state);
  const rngState = (name: string) => {
    const value = progress.rng[name];
    if (value === undefined) throw new TrainError(`the training state has no '${name}' RNG state`);
    return new Rng(value);
  };
  return {
    config,
    model,
    optimizer,
    step: progress.step,
    dataRng: rngState('data'),
    maskRng: rngState('mask'),
  };
}
