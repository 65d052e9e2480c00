import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The vendored reference fixtures (official PyTorch traces on tiny checkpoints; see their README). */
const FIXTURES_DIR = fileURLToPath(new URL('../../../test-data/fixtures/', import.meta.url));

export function fixtureDir(model: string): string {
  return `${FIXTURES_DIR}${model}`;
}

export function readFixture<T>(model: string, file: string): T {
  return JSON.parse(readFileSync(`${fixtureDir(model)}/${file}`, 'utf8')) as T;
}

export interface TraceStep {
  step: number;
  block?: number;
  t?: number;
  s?: number;
  num_transfer_float?: number | null;
  num_transfer: number;
  committed_positions: number[];
  committed_tokens: number[];
  sequence: number[];
  calls?: TraceCall[];
}

export interface TraceCall {
  cache_type: 'no_cfg' | 'cfg';
  layers: {
    layer: number;
    step_counter: number;
    refresh_prompt: boolean;
    refresh_gen: boolean;
    branch: string;
    transfer_index: number[] | null;
    cos_boundary?: [number, number];
  }[];
}

export interface LladaParams {
  gen_length: number;
  block_length: number;
  steps: number;
  cfg_scale: number;
  temperature: number;
  remasking: 'low_confidence' | 'random';
}

export interface DreamParams {
  max_new_tokens: number;
  steps: number;
  alg: 'maskgit_plus' | 'topk_margin' | 'entropy';
  eps: number;
  temperature: number;
}

export interface GenerateCase {
  name: string;
  prompt: number[];
  prompt_length: number;
  params: LladaParams | DreamParams;
  num_transfer_tokens?: number[][];
  steps: TraceStep[];
  final: number[];
}

export interface GenerateFixture {
  family: 'llada' | 'dream';
  cases: GenerateCase[];
}

export interface CacheRun {
  cache: { prompt_interval_steps: number; gen_interval_steps: number; transfer_ratio: number };
  steps: TraceStep[];
  final: number[];
}

export interface DllmCacheFixture {
  family: 'llada' | 'dream';
  cases: (Omit<GenerateCase, 'steps' | 'final'> & {
    no_cache: { final: number[]; steps: TraceStep[]; equals_plain_generate: boolean };
    runs: CacheRun[];
  })[];
}
