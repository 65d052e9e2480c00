import { DlcmGenerationError, type GenerateDlcmOptions, tokenPicker } from '@unmask/dlcm';
import { UsageError } from './command';
import { int, num, type SamplerValues } from './sampler-flags';

/** Flags of the diffusion samplers, refused for a next-token model. */
const DIFFUSION_ONLY = [
  'steps',
  'block-length',
  'policy',
  'remasking',
  'cfg-scale',
  'alg',
  'threshold',
  'kp',
  'kr',
  'rho',
  'visual',
] as const;

/** The flag of each sampling option, so that an out-of-range value is reported as the user typed it. */
const FLAG_OF: Record<string, string> = {
  temperature: 'temperature',
  topK: 'top-k',
  topP: 'top-p',
  seed: 'seed',
};

/**
 * Next-token (DLCM) options from generate/chat flags: --gen-length is the most new tokens (default
 * 64); --temperature, --top-k, --top-p, --seed as `tokenPicker` takes them. A diffusion-only flag
 * is a usage error naming it.
 */
export function nextTokenOptions(values: SamplerValues, modelName: string): GenerateDlcmOptions {
  const foreign = DIFFUSION_ONLY.find((name) => values[name] !== undefined && values[name] !== false);
  if (foreign) {
    throw new UsageError(
      `--${foreign} does not apply to ${modelName} models (next-token: --gen-length, --temperature, --top-k, --top-p, --seed)`,
    );
  }
  const s = (name: string) => values[name] as string | undefined;
  const topK = int('top-k', s('top-k'));
  const topP = num('top-p', s('top-p'));
  const options: GenerateDlcmOptions = {
    maxNewTokens: int('gen-length', s('gen-length')) ?? 64,
    temperature: num('temperature', s('temperature')) ?? 0,
    seed: int('seed', s('seed')) ?? 0,
    ...(topK !== undefined ? { topK } : {}),
    ...(topP !== undefined ? { topP } : {}),
  };
  try {
    tokenPicker(options);
  } catch (error) {
    if (!(error instanceof DlcmGenerationError)) throw error;
    throw new UsageError(`--${FLAG_OF[error.option] ?? error.option}: ${error.message}`);
  }
  return options;
}
