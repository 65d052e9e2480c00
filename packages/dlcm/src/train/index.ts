export { causalStackForward, type StackSettings } from './causal-stack';
export { DLCM_TRAINING_RUN_FILE, saveDlcmCheckpoint } from './checkpoint';
export { DEFAULT_DLCM_TRAIN_CONFIG, type DlcmTrainConfig, resolveDlcmTrainConfig } from './config';
export { accumulateDlcmGradients, type DlcmGradientResult, type DlcmObjectiveOptions } from './gradients';
export { initialDlcmTensors } from './initialize';
export { type DlcmTrainForwardOptions, DlcmTrainModel, type DlcmTrainOutput } from './model';
export { type NextTokenTargets, nextTokenTargets } from './next-token';
export { GroupedAdamW, mupMultiplier } from './optimizer';
export {
  type BlockParameters,
  type ConceptPathParameters,
  type DlcmParameters,
  dlcmParameters,
  parameterKind,
} from './parameters';
export { segmentPoolingMatrix } from './pooling-matrix';
export { type DlcmStepContext, type DlcmStepResult, dlcmTrainStep } from './step';
export {
  type DlcmTrainEvent,
  type DlcmTrainingLogEntry,
  type DlcmTrainOptions,
  type DlcmTrainResult,
  trainDlcm,
} from './train';
export { type DlcmValidationResult, validateDlcm } from './validate';
