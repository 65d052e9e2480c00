import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SINGLE_WEIGHTS_FILE, writeSafetensors } from '@unmask/hub';
import { f32, f32Data, mulberry32, type Tensor } from '@unmask/tensor';
import { type ConceptPathConfig, type DlcmConfig, dlcmConfigJson } from './config';
import { dlcmTensorShapes } from './weights';

/** Overrides of `tinyDlcmConfig`: the concept path's fields are merged into the tiny one's. */
export type TinyDlcmOverrides = Partial<Omit<DlcmConfig, 'conceptPath'>> & {
  conceptPath?: Partial<ConceptPathConfig>;
};

/**
 * A DLCM small enough for exhaustive tests and examples (width 16 tokens / 24 concepts, one or two
 * layers per stage, grouped KV heads everywhere), with `overrides` on top.
 */
export function tinyDlcmConfig(overrides: TinyDlcmOverrides = {}): DlcmConfig {
  const { conceptPath, ...rest } = overrides;
  return {
    ...tinyTokenLevel(),
    conceptPath: {
      dConcept: 24,
      backbone: { numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 6, intermediateSize: 48 },
      crossAttention: { numHeads: 4, numKvHeads: 2, headDim: 4 },
      boundary: { kind: 'learned' },
      compressionRatio: 4,
      ...conceptPath,
    },
    ...rest,
  };
}

/**
 * The token-only counterpart of `tinyDlcmConfig` (the same embedding, encoder, decoder and head, no
 * concept path), with `overrides` on top.
 */
export function tinyTokenOnlyConfig(overrides: Partial<Omit<DlcmConfig, 'conceptPath'>> = {}): DlcmConfig {
  return { ...tinyTokenLevel(), conceptPath: undefined, ...overrides };
}

function tinyTokenLevel(): Omit<DlcmConfig, 'conceptPath'> {
  return {
    vocabSize: 40,
    dToken: 16,
    encoder: { numLayers: 1, numHeads: 4, numKvHeads: 2, headDim: 4, intermediateSize: 32 },
    decoder: { numLayers: 1, numHeads: 2, numKvHeads: 1, headDim: 8, intermediateSize: 32 },
    ropeTheta: 10000,
    normEps: 1e-6,
    maxPositions: 64,
    tiedEmbeddings: false,
    bosTokenId: undefined,
    eosTokenId: 1,
    padTokenId: 0,
  };
}

/**
 * Seeded random weights for every tensor of `config`: norm weights 1, the embedding and the null
 * concept uniform in [-1, 1), every matrix uniform in [-1, 1) / sqrt(fan in). For tests and as the
 * starting point of training.
 */
export function randomDlcmTensors(config: DlcmConfig, seed: number): Map<string, Tensor> {
  const random = mulberry32(seed);
  const tensors = new Map<string, Tensor>();
  for (const [name, shape] of dlcmTensorShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const isNorm = name.endsWith('norm.weight');
    const isMatrix = shape.length === 2 && name !== 'embed_tokens.weight';
    const scale = isMatrix ? 1 / Math.sqrt(shape[1]!) : 1;
    const data = Float32Array.from({ length: size }, () => (isNorm ? 1 : (2 * random() - 1) * scale));
    tensors.set(name, f32(shape, data));
  }
  return tensors;
}

/** Writes a DLCM model folder: config.json and model.safetensors (float32). */
export function writeDlcmCheckpoint(
  dir: string,
  config: DlcmConfig,
  tensors: ReadonlyMap<string, Tensor>,
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(dlcmConfigJson(config), null, 2)}\n`);
  const entries = [...tensors].map(
    ([name, t]) => [name, { dtype: 'F32', shape: t.dims, data: f32Data(t) }] as const,
  );
  writeSafetensors(join(dir, SINGLE_WEIGHTS_FILE), new Map(entries));
}
