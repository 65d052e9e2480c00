import type { ModelConfig, RawConfig } from './config';
import type { ModelWeightNames } from './weights';

/** One model family: how its config.json and tensor names map onto the shared layers. */
export interface ModelFamily {
  name: string;
  /** config.json `model_type` values this family loads. */
  modelTypes: readonly string[];
  /** config.json `architectures` entries this family loads. */
  architectures: readonly string[];
  parseConfig(raw: RawConfig, where: string): ModelConfig;
  weightNames(config: ModelConfig): ModelWeightNames;
  /** The sampler predicts position i from the logits at i - 1 (Dream), instead of at i (LLaDA). */
  shiftedLogits: boolean;
}
