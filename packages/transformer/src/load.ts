import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCheckpoint, type TensorReader } from '@unmask/hub';
import { type Backend, getBackend } from '@unmask/tensor';
import type { ModelConfig, RawConfig } from './config';
import { ModelConfigError } from './errors';
import { findFamily } from './families/registry';
import type { ModelFamily } from './family';
import { type LoadProgress, reportingReads } from './load-progress';
import { DiffusionLM } from './model';
import { loadModelWeights } from './weights';

/** config.json of a model folder as a JSON object, and its path (for messages). */
export function readRawConfig(dir: string): { raw: RawConfig; path: string } {
  const path = join(dir, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelConfigError(`${path}: cannot read config.json: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ModelConfigError(`${path}: config.json must hold a JSON object`);
  }
  return { raw: raw as RawConfig, path };
}

/** Reads config.json of a model folder and finds its family. */
export function readModelConfig(dir: string): { raw: RawConfig; family: ModelFamily; config: ModelConfig } {
  const { raw, path } = readRawConfig(dir);
  const family = findFamily(raw, path);
  return { raw, family, config: family.parseConfig(raw, path) };
}

/** Builds a model from a parsed config and a tensor source (a safetensors checkpoint). */
export function buildModel(
  backend: Backend,
  family: ModelFamily,
  config: ModelConfig,
  source: TensorReader,
): DiffusionLM {
  return new DiffusionLM(
    backend,
    family,
    config,
    loadModelWeights(source, family.weightNames(config), config),
  );
}

export interface LoadModelOptions {
  /** Default: the best registered backend. */
  backend?: Backend;
  /** Called after each tensor is read (e.g. for a progress bar). */
  onProgress?: LoadProgress;
}

/**
 * Loads a model folder (config.json + model.safetensors or a sharded index) onto a backend (the
 * best registered one by default). Weights are read one tensor at a time and converted to float32.
 */
export function loadModel(dir: string, options: LoadModelOptions = {}): DiffusionLM {
  const { family, config } = readModelConfig(dir);
  const checkpoint = openCheckpoint(dir);
  try {
    const source = options.onProgress ? reportingReads(checkpoint, options.onProgress) : checkpoint;
    return buildModel(options.backend ?? getBackend(), family, config, source);
  } finally {
    checkpoint.close();
  }
}
