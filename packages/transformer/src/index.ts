export { type Projection, TransformerBlock } from './block';
export type { ModelConfig, RawConfig } from './config';
export { ModelConfigError, WeightError } from './errors';
export { dream } from './families/dream';
export { LLADA_MASK_TOKEN_ID, llada } from './families/llada';
export { findFamily, listFamilies, registerFamily } from './families/registry';
export type { ModelFamily } from './family';
export { buildModel, type LoadModelOptions, loadModel, readModelConfig, readRawConfig } from './load';
export type { LoadProgress } from './load-progress';
export { DiffusionLM, type ForwardOptions } from './model';
export {
  type LoadedModel,
  listModelLoaders,
  loadAnyModel,
  type ModelKind,
  type ModelLoader,
  type NextTokenConfig,
  type NextTokenModel,
  readModelKind,
  registerModelLoader,
} from './model-loaders';
export type { BlockWeightNames, BlockWeights, ModelWeightNames, ModelWeights } from './weights';
