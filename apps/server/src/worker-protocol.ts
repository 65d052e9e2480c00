import type { GenerateOptions } from '@unmask/diffusion';

/** A cache policy by name, built inside the inference thread (policy objects hold per-request state). */
export interface PolicySpec {
  name: string;
  options: Record<string, number>;
}

/** Sampler options without the policy object, so they cross the thread boundary as plain data. */
export type PlainSamplerOptions = Omit<GenerateOptions, 'policy'>;

export interface GenerationJob {
  prompt: number[];
  options: PlainSamplerOptions;
  policy: PolicySpec;
}

export interface WorkerData {
  modelDir: string;
  backend: string | undefined;
}

/** An error raised in the inference thread, reduced to what survives `postMessage`. */
export interface WorkerErrorInfo {
  name: string;
  message: string;
  /** GenerationInputError's option (e.g. "steps"), naming the request field at fault. */
  option?: string;
  /** An UnmaskError (a refused input), not a bug. */
  expected: boolean;
}

export type ToWorker =
  | ({ type: 'start'; id: number } & GenerationJob)
  | { type: 'cancel'; id: number }
  | { type: 'heap' };

export interface WorkerStep {
  type: 'step';
  id: number;
  step: number;
  block: number;
  /** [absolute position, token id], as the sampler reports them. */
  committed: [number, number][];
  flops: number;
}

export interface WorkerDone {
  type: 'done';
  id: number;
  response: number[];
  steps: number;
  flops: number;
  seconds: number;
}

export type FromWorker =
  | { type: 'ready'; backend: string; family: string; parameters: number }
  | { type: 'load-failed'; error: WorkerErrorInfo }
  | WorkerStep
  | WorkerDone
  | { type: 'failed'; id: number; error: WorkerErrorInfo }
  | { type: 'cancelled'; id: number }
  | { type: 'heap'; heapUsed: number };
