import type { DiffusionLM } from '@unmask/transformer';
import { type DreamOptions, sampleDream } from './dream/sampler';
import { GenerationInputError } from './errors';
import type { GenerationResult, StepEvent } from './events';
import { type LladaOptions, sampleLlada } from './llada/sampler';

/** Options of whichever sampler the model's family uses. */
export type GenerateOptions = LladaOptions & DreamOptions;

/** The step-by-step generation of the model's family: iterate it for events; its return value is the result. */
export function sample(
  model: DiffusionLM,
  prompt: ArrayLike<number>,
  options: GenerateOptions,
): Generator<StepEvent, GenerationResult> {
  switch (model.family.name) {
    case 'llada':
      return sampleLlada(model, prompt, options);
    case 'dream':
      return sampleDream(model, prompt, options);
    default:
      throw new GenerationInputError('model', model.family.name, 'has no sampler (known: llada, dream)');
  }
}

/** Runs a generation to the end, calling `onStep` after every step. */
export function generate(
  model: DiffusionLM,
  prompt: ArrayLike<number>,
  options: GenerateOptions & { onStep?: (event: StepEvent) => void },
): GenerationResult {
  const { onStep, ...samplerOptions } = options;
  const steps = sample(model, prompt, samplerOptions);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    onStep?.(next.value);
  }
}
