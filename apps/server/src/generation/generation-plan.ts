import { listPolicies } from '@unmask/cache';
import { ApiError } from '../api-error';
import { familyDefaults } from '../family-defaults';
import type { UnmaskExtension } from '../request-schemas';
import type { ServedModel } from '../served-model';
import type { ServerLimits } from '../server-options';
import type { GenerationJob, PlainSamplerOptions } from '../worker-protocol';

/** The sampling fields of a completion or chat request, with the name its length field had. */
export interface SamplingRequest {
  maxTokens: number | null | undefined;
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  seed?: number | null | undefined;
  unmask?: UnmaskExtension | undefined;
}

export interface GenerationPlan {
  job: GenerationJob;
  genLength: number;
  policy: string;
  /** Send `unmask.step` events while streaming. */
  progress: boolean;
}

const FAMILY_ONLY: Record<string, readonly (keyof UnmaskExtension)[]> = {
  llada: ['block_length', 'remasking', 'cfg_scale'],
  dream: ['alg', 'alg_temp', 'top_k'],
};
const DLLM_CACHE_ONLY = ['prompt_interval', 'response_interval', 'transfer_ratio'] as const;
/** The `unmask` fields a next-token model (a DLCM) takes; the others are diffusion settings. */
const NEXT_TOKEN_FIELDS: readonly (keyof UnmaskExtension)[] = ['top_k', 'progress'];

function refuse(
  extension: UnmaskExtension,
  fields: readonly (keyof UnmaskExtension)[],
  reason: string,
): void {
  const given = fields.find((field) => extension[field] !== undefined);
  if (given)
    throw ApiError.invalid(`unmask.${given}`, `'unmask.${given}' ${reason}`, 'unsupported_parameter');
}

function checkPrompt(model: ServedModel, prompt: number[], param: string, limits: ServerLimits): void {
  if (prompt.length === 0) throw ApiError.invalid(param, `'${param}' must hold at least one token`);
  if (prompt.length > limits.maxPromptTokens) {
    throw ApiError.invalid(
      param,
      `'${param}' is ${prompt.length} tokens; this server takes at most ${limits.maxPromptTokens}`,
      'context_length_exceeded',
    );
  }
  const bad = prompt.findIndex((id) => id >= model.vocabSize || id === model.maskTokenId);
  if (bad >= 0) {
    const id = prompt[bad];
    const why =
      id === model.maskTokenId ? 'is the mask token' : `is not below the vocabulary size ${model.vocabSize}`;
    throw ApiError.invalid(param, `'${param}': token id ${id} at position ${bad} ${why}`);
  }
}

/** LLaDA's block length and steps, checked against the response length. */
function lladaOptions(extension: UnmaskExtension, genLength: number, steps: number, defaultBlock: number) {
  const blockLength = extension.block_length ?? (genLength % defaultBlock === 0 ? defaultBlock : genLength);
  if (genLength % blockLength !== 0) {
    throw ApiError.invalid(
      'unmask.block_length',
      `'unmask.block_length' (${blockLength}) must divide the response length (${genLength} tokens)`,
    );
  }
  const blocks = genLength / blockLength;
  if (extension.threshold === undefined && steps % blocks !== 0) {
    throw ApiError.invalid(
      'unmask.steps',
      `'unmask.steps' (${steps}) must be a multiple of the number of blocks (${blocks} = ${genLength} / ${blockLength})`,
    );
  }
  return { blockLength };
}

/**
 * The sampler job for a request on this model: the family's defaults for what it leaves out, and a
 * 400 naming the field for whatever the sampler would refuse (so errors come before streaming starts).
 */
export function planGeneration(
  model: ServedModel,
  request: SamplingRequest,
  prompt: number[],
  promptParam: 'prompt' | 'messages',
  limits: ServerLimits,
): GenerationPlan {
  const extension = request.unmask ?? {};
  const defaults = familyDefaults(model.family);
  checkPrompt(model, prompt, promptParam, limits);
  const genLength = request.maxTokens ?? Math.min(defaults.max_tokens, limits.maxTokens);
  if (prompt.length + genLength > model.maxPositions) {
    throw ApiError.invalid(
      request.maxTokensParam,
      `the prompt (${prompt.length} tokens) + '${request.maxTokensParam}' (${genLength}) exceeds the model's ${model.maxPositions} positions`,
      'context_length_exceeded',
    );
  }
  if (model.kind === 'next-token') return nextTokenPlan(model, request, prompt, genLength);
  const policy = extension.policy ?? defaults.policy;
  if (!listPolicies().includes(policy)) {
    throw ApiError.invalid(
      'unmask.policy',
      `'unmask.policy': unknown cache policy '${policy}' (known: ${listPolicies().join(', ')})`,
    );
  }
  if (policy !== 'dllm-cache') refuse(extension, DLLM_CACHE_ONLY, 'belongs to the "dllm-cache" policy');
  for (const [family, fields] of Object.entries(FAMILY_ONLY)) {
    if (family !== model.family) refuse(extension, fields, `applies to ${family} models only`);
  }

  const steps = extension.steps ?? genLength;
  const common: PlainSamplerOptions = {
    genLength,
    steps,
    seed: request.seed ?? 0,
    temperature: request.temperature ?? defaults.temperature,
    ...(extension.threshold === undefined ? {} : { threshold: extension.threshold }),
  };
  let options: PlainSamplerOptions;
  if (model.family === 'dream') {
    options = {
      ...common,
      alg: extension.alg ?? defaults.alg,
      algTemp: extension.alg_temp ?? defaults.alg_temp,
      topP: request.top_p ?? defaults.top_p,
      ...(extension.top_k === undefined ? {} : { topK: extension.top_k }),
    };
  } else {
    if (request.top_p != null && request.top_p !== 1) {
      throw ApiError.invalid('top_p', `'top_p' is not supported by the ${model.family} sampler (only 1)`);
    }
    options =
      model.family === 'llada'
        ? {
            ...common,
            ...lladaOptions(extension, genLength, steps, defaults.block_length ?? genLength),
            remasking: extension.remasking ?? defaults.remasking,
            cfgScale: extension.cfg_scale ?? defaults.cfg_scale,
          }
        : common;
  }
  const policyOptions: Record<string, number> = {};
  if (extension.prompt_interval !== undefined) policyOptions['promptInterval'] = extension.prompt_interval;
  if (extension.response_interval !== undefined)
    policyOptions['responseInterval'] = extension.response_interval;
  if (extension.transfer_ratio !== undefined) policyOptions['transferRatio'] = extension.transfer_ratio;
  return {
    job: { prompt, options, policy: { name: policy, options: policyOptions } },
    genLength,
    policy,
    progress: extension.progress ?? false,
  };
}

/**
 * A next-token model's job: max_tokens new tokens at most (it stops at EOS), temperature, top_p,
 * unmask.top_k and seed; every diffusion setting of the extension is refused by name.
 */
function nextTokenPlan(
  model: ServedModel,
  request: SamplingRequest,
  prompt: number[],
  genLength: number,
): GenerationPlan {
  const extension = request.unmask ?? {};
  const diffusionOnly = (Object.keys(extension) as (keyof UnmaskExtension)[]).filter(
    (field) => !NEXT_TOKEN_FIELDS.includes(field),
  );
  refuse(extension, diffusionOnly, `applies to diffusion models only (this is a ${model.family} model)`);
  const options: PlainSamplerOptions = {
    genLength,
    temperature: request.temperature ?? familyDefaults(model.family).temperature,
    seed: request.seed ?? 0,
    ...(request.top_p == null ? {} : { topP: request.top_p }),
    ...(extension.top_k === undefined ? {} : { topK: extension.top_k }),
  };
  return {
    job: { prompt, options, policy: { name: 'none', options: {} } },
    genLength,
    policy: 'none',
    progress: extension.progress ?? false,
  };
}
