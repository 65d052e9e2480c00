import { UsageError } from './command';

/** The sampler flags `generate` and `chat` share, as `parseArgs` options. */
export const SAMPLER_FLAGS = {
  model: { type: 'string' },
  'gen-length': { type: 'string' },
  'block-length': { type: 'string' },
  steps: { type: 'string' },
  remasking: { type: 'string' },
  temperature: { type: 'string' },
  'cfg-scale': { type: 'string' },
  alg: { type: 'string' },
  threshold: { type: 'string' },
  policy: { type: 'string' },
  kp: { type: 'string' },
  kr: { type: 'string' },
  rho: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  visual: { type: 'boolean', default: false },
} as const;

/** The help lines of the sampler flags whose meaning is the same in `generate` and `chat`. */
export const SAMPLER_FLAGS_HELP = `  --remasking MODE          LLaDA: low_confidence (default) or random
  --temperature T           sampling temperature (default 0: greedy)
  --cfg-scale C             LLaDA classifier-free guidance scale (default 0: off)
  --alg NAME                Dream: origin, maskgit_plus (default), topk_margin, entropy
  --threshold X             parallel decoding: commit every token whose confidence reaches X
  --policy NAME             none (default), dllm-cache, prefix, dual
  --kp N --kr N --rho R     dllm-cache prompt/response refresh intervals and V-verify ratio
  --top-k K                 Dream, DLCM: sample among the K most probable tokens only
  --top-p P                 Dream, DLCM: sample among the most probable tokens holding mass P (0, 1]`;

/** The parsed options of `generate` and `chat`, by flag name. */
export type SamplerValues = Record<string, string | boolean | undefined>;

/** A non-negative integer flag, or undefined when not given. */
export function int(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} must be a non-negative integer, got '${text}'`);
  return n;
}

/** A finite number flag, or undefined when not given. */
export function num(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${text}'`);
  return n;
}
