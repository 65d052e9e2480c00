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
