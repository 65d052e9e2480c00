import { UnmaskError } from '@unmask/tensor';

export interface ServerOptions {
  /** A model folder: config.json, safetensors weights and tokenizer files. */
  modelDir: string;
  /** The name /v1/models lists and requests give as `model`; default the folder's name. */
  modelId?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8000; 0 picks a free port (see `url`). */
  port?: number;
  /** Backend of the inference thread (cpu or ort); default the best available. */
  backend?: string;
  /** Generations denoised at once; default 2. */
  concurrency?: number;
  /** Requests that may wait for a slot beyond those; default 64. */
  maxQueue?: number;
  /** Require `Authorization: Bearer <key>` on /v1/*. */
  apiKey?: string;
  /** Largest `max_tokens` a request may ask; default 1024 (and never more than the model's positions). */
  maxTokens?: number;
  /** Largest prompt in tokens; default the model's positions less one response token. */
  maxPromptTokens?: number;
  /** Largest request body; default 1 MiB. */
  maxBodyBytes?: number;
  /** Where the server logs (one line per event; default nowhere). */
  log?: (line: string) => void;
}

export interface ServerLimits {
  concurrency: number;
  maxQueue: number;
  maxTokens: number;
  maxPromptTokens: number;
  maxBodyBytes: number;
}

/** A server option is out of range; names it and the value. */
export class ServerOptionError extends UnmaskError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${option} = ${JSON.stringify(value)}: ${reason}`);
  }
}

function atLeast(option: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ServerOptionError(option, value, `must be an integer of at least ${min}`);
  }
  return value;
}

/** The limits in force: the options given, checked, with defaults; token limits fit the model. */
export function resolveLimits(options: ServerOptions, maxPositions: number): ServerLimits {
  const maxTokens = atLeast('maxTokens', options.maxTokens ?? Math.min(1024, maxPositions - 1), 1);
  const maxPromptTokens = atLeast('maxPromptTokens', options.maxPromptTokens ?? maxPositions - 1, 1);
  return {
    concurrency: atLeast('concurrency', options.concurrency ?? 2, 1),
    maxQueue: atLeast('maxQueue', options.maxQueue ?? 64, 0),
    maxTokens: Math.min(maxTokens, maxPositions - 1),
    maxPromptTokens: Math.min(maxPromptTokens, maxPositions - 1),
    maxBodyBytes: atLeast('maxBodyBytes', options.maxBodyBytes ?? 1 << 20, 1024),
  };
}
