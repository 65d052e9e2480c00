import { ApiError } from './api-error';
import { GenerationFailedError, InferenceThreadError, SamplerOptionError } from './inference-thread';

/** The request field behind each sampler option (GenerationInputError names the option). */
const PARAM_OF_OPTION: Record<string, string> = {
  genLength: 'max_tokens',
  steps: 'unmask.steps',
  blockLength: 'unmask.block_length',
  remasking: 'unmask.remasking',
  cfgScale: 'unmask.cfg_scale',
  threshold: 'unmask.threshold',
  alg: 'unmask.alg',
  algTemp: 'unmask.alg_temp',
  topK: 'unmask.top_k',
  topP: 'top_p',
  temperature: 'temperature',
  seed: 'seed',
  prompt: 'prompt',
};

/**
 * Whatever a handler threw, as the error the client gets. Refused inputs become 400s naming the
 * field; anything unexpected is logged here and answered with a plain 500, never a stack trace.
 */
export function toApiError(error: unknown, log: (line: string) => void): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof SamplerOptionError) {
    return ApiError.invalid(PARAM_OF_OPTION[error.option] ?? null, error.message);
  }
  if (error instanceof GenerationFailedError && error.expected) return ApiError.invalid(null, error.message);
  if (error instanceof InferenceThreadError) {
    log(`inference thread: ${error.message}`);
    return new ApiError(503, error.message, 'server_error', null, 'inference_unavailable');
  }
  log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new ApiError(
    500,
    'internal server error (logged on the server)',
    'server_error',
    null,
    'internal_error',
  );
}
