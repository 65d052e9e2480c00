import { type CachePolicy, resolvePolicy } from '@unmask/cache';
import type { DiffusionLM } from '@unmask/transformer';
import type { SamplerOptions } from './options';
import { Random } from './random';
import { checkRequest, maskTokenOf, refuseForeign } from './validate';

/** What every sampler resolves from `SamplerOptions`; each sampler's plan adds its own fields. */
export interface BasePlan {
  model: DiffusionLM;
  policy: CachePolicy;
  maskId: number;
  genLength: number;
  threshold: number | undefined;
  random: Random;
}

/**
 * Refuses the options that belong to the other sampler (`foreign`), then checks the request and
 * resolves the mask token, the policy and the seed.
 */
export function basePlan(
  model: DiffusionLM,
  prompt: ArrayLike<number>,
  options: SamplerOptions,
  foreign: readonly string[],
  sampler: string,
): BasePlan {
  refuseForeign(options, foreign, sampler);
  const maskId = maskTokenOf(model, options.maskTokenId);
  const genLength = checkRequest(model, prompt, options, maskId);
  return {
    model,
    policy: resolvePolicy(options.policy),
    maskId,
    genLength,
    threshold: options.threshold,
    random: new Random(options.seed ?? 0),
  };
}
