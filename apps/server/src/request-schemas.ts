import { z } from 'zod';
import type { ServerLimits } from './server-options';

/** Accepts only the field's OpenAI default (or null): we refuse what we would otherwise ignore. */
function onlyDefault<T extends string | number | boolean>(value: T, what: string) {
  return z.literal(value, { error: `only ${JSON.stringify(value)} is supported (${what})` }).nullish();
}

function notSupported(what: string) {
  return z.null({ error: `is not supported (${what})` }).optional();
}

const positiveInt = z.number().int().min(1);
const tokenIds = z.array(z.number().int().min(0)).min(1);
const stopSequence = z.string().min(1).max(64);

/** The `unmask` extension object: diffusion settings and the cache policy. Defaults: see family-defaults.ts. */
function unmaskExtension(limits: ServerLimits) {
  return z
    .strictObject({
      policy: z.string().optional(),
      steps: positiveInt.max(limits.maxTokens).optional(),
      block_length: positiveInt.optional(),
      remasking: z.enum(['low_confidence', 'random']).optional(),
      cfg_scale: z.number().min(0).max(100).optional(),
      alg: z.enum(['origin', 'maskgit_plus', 'topk_margin', 'entropy']).optional(),
      alg_temp: z.number().min(0).max(100).optional(),
      top_k: positiveInt.optional(),
      threshold: z.number().gt(0).max(1).optional(),
      prompt_interval: positiveInt.optional(),
      response_interval: positiveInt.optional(),
      transfer_ratio: z.number().min(0).max(1).optional(),
      progress: z.boolean().optional(),
    })
    .optional();
}

/** Fields /v1/completions and /v1/chat/completions share. */
function commonFields(limits: ServerLimits) {
  return {
    model: z.string().min(1),
    max_tokens: positiveInt.max(limits.maxTokens).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullish(),
    user: z.string().max(256).optional(),
    n: onlyDefault(1, 'one choice per request'),
    presence_penalty: onlyDefault(0, 'no penalties'),
    frequency_penalty: onlyDefault(0, 'no penalties'),
    stop: z.union([stopSequence, z.array(stopSequence).min(1).max(4)]).nullish(),
    logit_bias: notSupported('no logit bias'),
    unmask: unmaskExtension(limits),
  };
}

const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });

const chatMessage = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPart).min(1)], {
    error: 'must be a string or a list of {"type": "text", "text": ...} parts',
  }),
  name: z.string().max(256).optional(),
});

/** The request schemas under the server's limits. */
export function requestSchemas(limits: ServerLimits) {
  const common = commonFields(limits);
  return {
    completion: z.strictObject({
      ...common,
      prompt: z.union([z.string(), tokenIds, z.array(z.string()).length(1), z.array(tokenIds).length(1)], {
        error: 'must be a string, a list of token ids, or a list holding one of either',
      }),
      echo: onlyDefault(false, 'no echo'),
      best_of: onlyDefault(1, 'one candidate'),
      logprobs: notSupported('no logprobs'),
      suffix: notSupported('no suffix'),
    }),
    chat: z.strictObject({
      ...common,
      messages: z.array(chatMessage).min(1),
      max_completion_tokens: positiveInt.max(limits.maxTokens).nullish(),
      logprobs: onlyDefault(false, 'no logprobs'),
      top_logprobs: notSupported('no logprobs'),
      response_format: z.strictObject({ type: z.literal('text') }).optional(),
    }),
  };
}

type Schemas = ReturnType<typeof requestSchemas>;
export type CompletionRequest = z.infer<Schemas['completion']>;
export type ChatRequest = z.infer<Schemas['chat']>;
export type UnmaskExtension = NonNullable<CompletionRequest['unmask']>;
