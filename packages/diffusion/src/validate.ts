import type { DiffusionLM } from '@unmask/transformer';
import { GenerationInputError } from './errors';
import type { SamplerOptions } from './options';

export function positiveInt(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new GenerationInputError(option, value, 'must be a positive integer');
  }
  return value;
}

export function numberIn(
  option: string,
  value: number,
  min: number,
  max: number,
  open: { min?: boolean } = {},
): number {
  const aboveMin = open.min ? value > min : value >= min;
  if (typeof value !== 'number' || !Number.isFinite(value) || !aboveMin || value > max) {
    throw new GenerationInputError(option, value, `must lie in ${open.min ? '(' : '['}${min}, ${max}]`);
  }
  return value;
}

/** The mask token: the override, else the model config's; an error when neither exists. */
export function maskTokenOf(model: DiffusionLM, override: number | undefined): number {
  const id = override ?? model.config.maskTokenId;
  if (id === undefined) {
    throw new GenerationInputError(
      'maskTokenId',
      id,
      `the ${model.family.name} config names no mask token; pass maskTokenId`,
    );
  }
  if (!Number.isInteger(id) || id < 0 || id >= model.logitsWidth) {
    throw new GenerationInputError('maskTokenId', id, `must be a token id below ${model.logitsWidth}`);
  }
  return id;
}

/**
 * Checks the prompt and the response length against the model. A prompt may not contain the mask
 * token: the official samplers disagree on it (LLaDA's and Dream's fill it, dLLM-Cache's does
 * not), so every sampler and policy here refuses it.
 */
export function checkRequest(
  model: DiffusionLM,
  prompt: ArrayLike<number>,
  options: SamplerOptions,
  maskId: number,
): number {
  if (prompt.length === 0) throw new GenerationInputError('prompt', prompt, 'must hold at least one token');
  const vocab = model.weights.embedding.dims[0]!;
  for (let i = 0; i < prompt.length; i++) {
    const id = prompt[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocab) {
      throw new GenerationInputError(
        'prompt',
        prompt,
        `id ${id} at position ${i} is not a token id below ${vocab}`,
      );
    }
    if (id === maskId) {
      throw new GenerationInputError(
        'prompt',
        prompt,
        `holds the mask token ${maskId} at position ${i}; prompts may not contain it`,
      );
    }
  }
  const genLength = positiveInt('genLength', options.genLength);
  const total = prompt.length + genLength;
  if (total > model.config.maxPositions) {
    throw new GenerationInputError(
      'genLength',
      genLength,
      `prompt (${prompt.length}) + genLength = ${total} exceeds the model's ${model.config.maxPositions} positions`,
    );
  }
  if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0)) {
    throw new GenerationInputError('seed', options.seed, 'must be a non-negative integer');
  }
  if (options.temperature !== undefined) numberIn('temperature', options.temperature, 0, Number.MAX_VALUE);
  if (options.threshold !== undefined) numberIn('threshold', options.threshold, 0, 1, { min: true });
  return genLength;
}

/** Options that belong to another sampler are refused by name rather than ignored. */
export function refuseForeign(options: object, foreign: readonly string[], sampler: string): void {
  for (const key of foreign) {
    if ((options as Record<string, unknown>)[key] !== undefined) {
      throw new GenerationInputError(
        key,
        (options as Record<string, unknown>)[key],
        `is not an option of the ${sampler} sampler`,
      );
    }
  }
}
