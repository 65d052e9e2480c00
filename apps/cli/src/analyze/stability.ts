import { generate } from '@unmask/diffusion';
import type { DiffusionLM } from '@unmask/transformer';
import { AdjacentSimilarity, ROW_PARTS, type RowPart } from './adjacent-similarity';
import type { AnalysisPrompt } from './analysis-prompts';
import { FEATURES, type Feature, FeatureRecorder } from './feature-recorder';

/** How each response is generated (LLaDA sampler, greedy, low-confidence remasking). */
export interface GenerationShape {
  genLength: number;
  blockLength: number;
  steps: number;
}

export interface StabilityValue {
  layer: number;
  feature: Feature;
  part: RowPart;
  similarity: number;
}

export interface StabilityResult {
  prompts: number;
  promptLength: number;
  shape: GenerationShape;
  layers: number;
  /** Mean over every compared row of steps 1..steps-1 of every prompt. */
  summary: StabilityValue[];
  /** Mean at each step (index = step; null at step 0, where nothing precedes it). */
  perStep: (Omit<StabilityValue, 'similarity'> & { similarity: (number | null)[] })[];
}

/**
 * Generates from every prompt without a cache and measures, per layer, feature and row part, the
 * cosine similarity of each row's feature between adjacent denoising steps (dLLM-Cache's Figure 2).
 */
export function measureStability(
  model: DiffusionLM,
  prompts: readonly AnalysisPrompt[],
  shape: GenerationShape,
  onPrompt: (done: number) => void = () => {},
): StabilityResult {
  const layers = model.blocks.length;
  const similarity = new AdjacentSimilarity(layers, shape.steps);
  const recorder = new FeatureRecorder((forward) => similarity.add(forward));
  prompts.forEach((prompt, i) => {
    similarity.startRequest(prompt.ids.length);
    generate(model, prompt.ids, { ...shape, policy: recorder });
    onPrompt(i + 1);
  });
  const keys = Array.from({ length: layers }, (_, layer) =>
    FEATURES.flatMap((feature) => ROW_PARTS.map((part) => ({ layer, feature, part }))),
  ).flat();
  return {
    prompts: prompts.length,
    promptLength: prompts[0]?.ids.length ?? 0,
    shape,
    layers,
    summary: keys.map((key) => ({
      ...key,
      similarity: similarity.overall(key.layer, key.feature, key.part),
    })),
    perStep: keys.map((key) => ({
      ...key,
      similarity: similarity
        .perStep(key.layer, key.feature, key.part)
        .map((value) => (Number.isFinite(value) ? value : null)),
    })),
  };
}
