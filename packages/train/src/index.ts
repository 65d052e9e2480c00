export * as ops from './autograd/ops';
export { Parameter, type ParameterKind } from './autograd/parameter';
export { Tape, type TapeOptions } from './autograd/tape';
export { type Backward, Variable } from './autograd/variable';
export { assertReadsWeightsLive } from './backend-check';
export { type BpeTrainingOptions, type BpeVocabulary, trainBpe } from './bpe/train';
export {
  type TokenizerFileOptions,
  tokenizerConfigJson,
  tokenizerJson,
  writeTokenizerFiles,
} from './bpe/write';
export { loadModelFolder, saveModelFolder } from './checkpoint/model-folder';
export { loadCheckpoint, saveCheckpoint } from './checkpoint/run-checkpoint';
export {
  readTrainingLog,
  TRAINING_LOG_FILE,
  TrainingLog,
  type TrainingLogEntry,
} from './checkpoint/training-log';
export type { TrainingProgress } from './checkpoint/training-state';
export {
  checkRunSettings,
  DEFAULT_RUN_SETTINGS,
  DEFAULT_TRAIN_CONFIG,
  type ModelShape,
  type RunSettings,
  resolveTrainConfig,
  type TrainConfig,
  type TrainConfigInput,
} from './config';
export { splitCorpus } from './data/corpus';
export { TokenWindows } from './data/token-windows';
export { TrainError } from './errors';
export { architectureOf, type LladaArchitecture, lladaConfigJson } from './model/architecture';
export { LladaTrainModel } from './model/llada-model';
export {
  type MaskedBatch,
  type MaskingOptions,
  maskBatch,
  maskedDiffusionLoss,
  maskedLogits,
} from './objective/masked-diffusion';
export { AdamW, type AdamWOptions, type AdamWState } from './optim/adamw';
export { clipGradNorm } from './optim/clip';
export { type LearningRateSchedule, learningRate } from './optim/schedule';
export { deriveSeed, Rng } from './random';
export { measureTrainThroughput, type ThroughputOptions, type ThroughputResult } from './throughput';
export { EOS_TOKEN, MASK_TOKEN, type TrainEvent, type TrainOptions, type TrainResult, train } from './train';
export { type StepContext, type StepResult, trainStep } from './train-step';
export { type ValidationResult, validate } from './validate';
