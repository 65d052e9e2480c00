import type { Backend, Tensor } from '@unmask/tensor';
import {
  type DlcmConfig,
  type DlcmForwardOptions,
  DlcmModel,
  dlcmWeightsFromTensors,
  randomDlcmTensors,
  type Segmentation,
  tinyDlcmConfig,
} from '../src';

/** A DLCM small enough for exhaustive tests: every stage with grouped KV heads. */
export const tinyConfig = tinyDlcmConfig;

export function tinyModel(backend: Backend, config: DlcmConfig = tinyConfig(), seed = 1): DlcmModel {
  return new DlcmModel(backend, config, dlcmWeightsFromTensors(randomDlcmTensors(config, seed), config));
}

/** Ids in [0, vocab) from a seeded generator. */
export function randomIds(count: number, vocab: number, random: () => number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * vocab));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** `DlcmModel.forward` of a model with a concept path, whose concept outputs are then all defined. */
export function forwardWithConcepts(
  model: DlcmModel,
  ids: Tensor,
  options?: DlcmForwardOptions,
): { logits: Tensor; probabilities: Float32Array; segmentation: Segmentation; concepts: Tensor } {
  const { logits, probabilities, segmentation, concepts } = model.forward(ids, options);
  if (!probabilities || !segmentation || !concepts) throw new Error('the model has no concept path');
  return { logits, probabilities, segmentation, concepts };
}
