import { TrainError } from './errors';

/** The sizes of the model to train; the vocabulary is the BPE tokenizer's target size. */
export interface ModelShape {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  intermediateSize: number;
  vocabSize: number;
  ropeTheta: number;
  normEps: number;
  /** config.json's max_sequence_length: the longest input the engine will accept. */
  maxPositions: number;
  initStd: number;
}

/** What any training run needs besides its model and objective: batching, schedule, optimizer, bookkeeping. */
export interface RunSettings {
  /** Tokens per training sequence. */
  seqLen: number;
  /** Sequences per optimizer step. */
  batchSize: number;
  /** Sequences per forward/backward pass; batchSize must be a multiple (gradient accumulation). */
  microBatchSize: number;
  /** Length of the run (the schedule's end). */
  steps: number;
  peakLr: number;
  warmupSteps: number;
  /** Final learning rate as a fraction of the peak. */
  minLrRatio: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  adamEps: number;
  /** Global gradient norm limit; 0 disables clipping. */
  clipNorm: number;
  seed: number;
  /** Validate every this many steps (0: only at the end). */
  evalEvery: number;
  /** Held-out sequences per validation pass. */
  evalSequences: number;
  /** Checkpoint every this many steps (0: only at the end). */
  checkpointEvery: number;
  /** Tail of the corpus held out for validation. */
  heldOutFraction: number;
}

/** Everything that defines a run; a checkpoint stores it and a resumed run continues with it. */
export interface TrainConfig extends RunSettings {
  model: ModelShape;
  /** Lower bound of the masking rate t. */
  maskEps: number;
}

/** A config given by a caller: any subset, the model's sizes included. */
export type TrainConfigInput = Partial<Omit<TrainConfig, 'model'>> & { model?: Partial<ModelShape> };

/** The run settings every trainer here starts from: 2000 steps of 16 x 128 tokens, AdamW, cosine decay. */
export const DEFAULT_RUN_SETTINGS: RunSettings = {
  seqLen: 128,
  batchSize: 16,
  microBatchSize: 8,
  steps: 2000,
  peakLr: 1e-3,
  warmupSteps: 100,
  minLrRatio: 0.1,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.95,
  adamEps: 1e-8,
  clipNorm: 1,
  seed: 0,
  evalEvery: 100,
  evalSequences: 32,
  checkpointEvery: 200,
  heldOutFraction: 0.1,
};

/** A ~3M-parameter LLaDA (width 256, 4 layers, FFN 704, vocabulary 2048) on 128-token sequences. */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  ...DEFAULT_RUN_SETTINGS,
  model: {
    hiddenSize: 256,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 4,
    intermediateSize: 704,
    vocabSize: 2048,
    ropeTheta: 10000,
    normEps: 1e-5,
    maxPositions: 1024,
    initStd: 0.02,
  },
  maskEps: 1e-3,
};

/** Checks what every run's settings must satisfy (a TrainError naming the setting). */
export function checkRunSettings(settings: RunSettings): void {
  if (settings.batchSize % settings.microBatchSize !== 0) {
    throw new TrainError(
      `batchSize ${settings.batchSize} is not a multiple of microBatchSize ${settings.microBatchSize}`,
    );
  }
}

/** Defaults filled in and checked. */
export function resolveTrainConfig(input: TrainConfigInput = {}): TrainConfig {
  const config = {
    ...DEFAULT_TRAIN_CONFIG,
    ...input,
    model: { ...DEFAULT_TRAIN_CONFIG.model, ...input.model },
  };
  const known = new Set(Object.keys(DEFAULT_TRAIN_CONFIG));
  const unknown = [
    ...Object.keys(input).filter((key) => !known.has(key)),
    ...Object.keys(input.model ?? {})
      .filter((key) => !(key in DEFAULT_TRAIN_CONFIG.model))
      .map((key) => `model.${key}`),
  ];
  if (unknown.length > 0) throw new TrainError(`unknown training settings: ${unknown.join(', ')}`);
  checkRunSettings(config);
  if (config.model.hiddenSize % config.model.numHeads !== 0) {
    throw new TrainError(
      `hiddenSize ${config.model.hiddenSize} is not a multiple of numHeads ${config.model.numHeads}`,
    );
  }
  return config;
}

/**
 * The settings a resumed run continues with: the stored ones. Any setting the caller gives must equal
 * the stored one, since changing it would not continue the same run.
 */
export function resumedConfig(stored: TrainConfig, given: TrainConfigInput = {}): TrainConfig {
  const conflicts: string[] = [];
  const compare = (prefix: string, a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(b)) {
      if (key === 'model' && prefix === '') continue;
      if (a[key] !== value)
        conflicts.push(`${prefix}${key} (run: ${JSON.stringify(a[key])}, given: ${JSON.stringify(value)})`);
    }
  };
  compare('', stored as unknown as Record<string, unknown>, given);
  compare('model.', stored.model as unknown as Record<string, unknown>, given.model ?? {});
  if (conflicts.length > 0) {
    throw new TrainError(`a resumed run keeps its settings; these differ: ${conflicts.join('; ')}`);
  }
  return stored;
}
