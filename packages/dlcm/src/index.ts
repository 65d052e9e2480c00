export {
  type BoundaryDetector,
  createBoundaryDetector,
  LearnedBoundaryDetector,
  RuleBoundaryDetector,
  shiftedCosineProbabilities,
} from './boundary';
export {
  type BoundaryConfig,
  CONCEPT_PATH_FIELDS,
  type ConceptPathConfig,
  type CrossAttentionConfig,
  DLCM_MODEL_TYPE,
  type DlcmConfig,
  dlcmConfigJson,
  parseDlcmConfig,
  type StageConfig,
} from './config';
export { ConceptCrossAttention } from './cross-attention';
export {
  BoundaryLossError,
  DlcmConfigError,
  DlcmWeightError,
  NoConceptPathError,
  SegmentationError,
} from './errors';
export { type DlcmFlops, type DlcmFlopsOptions, dlcmFlopsPerToken } from './flops';
export { DlcmGenerationError } from './generation/errors';
export {
  type DlcmGenerationResult,
  type DlcmStopReason,
  type DlcmTokenEvent,
  type GenerateDlcmOptions,
  generateDlcm,
  sampleDlcm,
} from './generation/generate';
export { type SamplingOptions, type TokenPicker, tokenPicker } from './generation/sampling';
export { type ConceptSegment, conceptSegments, type TextSegmentation } from './generation/segments';
export { DlcmSession, type FedToken, type FeedResult } from './generation/session';
export {
  GlobalParserAccumulator,
  type GlobalParserResult,
  globalParserGradient,
  globalParserLoss,
} from './global-parser-loss';
export { loadDlcm, readDlcmConfig } from './load';
export { type DlcmConceptModules, type DlcmForwardOptions, DlcmModel, type DlcmOutput } from './model';
// Importing the package registers the loader, as importing a backend registers it.
export { dlcmLoader } from './model-loader';
export { meanPoolSegments, poolConcepts } from './pooling';
export { raggedCrossAttention } from './ragged-cross-attention';
export {
  randomDlcmTensors,
  type TinyDlcmOverrides,
  tinyDlcmConfig,
  tinyTokenOnlyConfig,
  writeDlcmCheckpoint,
} from './random-checkpoint';
export {
  completedConceptMask,
  replicateConcepts,
  replicatedMask,
  replicatedRowIndices,
} from './replication';
export { maxSegments, type Segmentation, segmentBoundaries } from './segmentation';
export { sampleBoundaries, sharpenProbability } from './sharpen';
export { CausalStack, causalMask, positionRange, stageModelConfig } from './stack';
export {
  type ConceptPathWeights,
  type CrossAttentionWeights,
  type DlcmWeights,
  dlcmTensorShapes,
  dlcmWeightsFromTensors,
  loadDlcmWeights,
  validateDlcmTensors,
} from './weights';
