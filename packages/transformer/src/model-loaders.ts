import type { Tensor } from '@unmask/tensor';
import { ModelConfigError } from './errors';
import { findFamily } from './families/registry';
import { type LoadModelOptions, loadModel, readRawConfig } from './load';
import type { DiffusionLM } from './model';

/** What every next-token config tells (a loader's own config type holds more). */
export interface NextTokenConfig {
  vocabSize: number;
  maxPositions: number;
  eosTokenId: number | undefined;
}

/** A causal LM loaded by a registered `ModelLoader` (e.g. a DLCM): row t of its logits predicts token t + 1. */
export interface NextTokenModel {
  readonly config: NextTokenConfig;
  /** Number of weight values held (a tied head counted once). */
  readonly parameterCount: number;
  /** Logits of ids int32 [B, S] -> [B, S, V]. */
  logits(ids: Tensor): Tensor;
}

/**
 * Loads a kind of model that is not a diffusion LM, picked by config.json's `model_type`. The
 * package that implements the kind registers it on import, as backends do.
 */
export interface ModelLoader {
  name: string;
  /** config.json `model_type` values this loader takes. */
  modelTypes: readonly string[];
  /** `onProgress`, when the loader supports it, reports the tensors it reads. */
  load(dir: string, options: LoadModelOptions): NextTokenModel;
  /** A folder's parsed config and its summary lines (`label  value`), read without the weights: what `unmask inspect` prints. */
  describe(dir: string): { config: NextTokenConfig; summary: string[] };
}

/** What a model folder holds: a diffusion LM of a registered family, or a registered next-token kind. */
export type ModelKind = { kind: 'diffusion' } | { kind: 'next-token'; loader: ModelLoader };

export type LoadedModel =
  | { kind: 'diffusion'; model: DiffusionLM }
  | { kind: 'next-token'; loader: ModelLoader; model: NextTokenModel };

const loaders: ModelLoader[] = [];

/** Adds a loader; a later registration wins for the same model_type. */
export function registerModelLoader(loader: ModelLoader): void {
  loaders.unshift(loader);
}

export function listModelLoaders(): readonly ModelLoader[] {
  return loaders;
}

/**
 * Reads config.json's `model_type`: a registered loader's kind, else a diffusion family's (an
 * unknown architecture raises the family registry's error, which names the supported ones).
 */
export function readModelKind(dir: string): ModelKind {
  const { raw, path } = readRawConfig(dir);
  const modelType = raw['model_type'];
  const loader = loaders.find((l) => typeof modelType === 'string' && l.modelTypes.includes(modelType));
  if (loader) return { kind: 'next-token', loader };
  try {
    findFamily(raw, path);
  } catch (error) {
    if (!(error instanceof ModelConfigError) || loaders.length === 0) throw error;
    const others = loaders.map((l) => `${l.name} (model_type ${l.modelTypes.join('/')})`).join('; ');
    throw new ModelConfigError(`${error.message}; ${others}`);
  }
  return { kind: 'diffusion' };
}

/** Loads any model folder onto a backend (the best registered one by default), diffusion LM or not. */
export function loadAnyModel(dir: string, options: LoadModelOptions = {}): LoadedModel {
  const kind = readModelKind(dir);
  if (kind.kind === 'diffusion') return { kind: 'diffusion', model: loadModel(dir, options) };
  return { kind: 'next-token', loader: kind.loader, model: kind.loader.load(dir, options) };
}
