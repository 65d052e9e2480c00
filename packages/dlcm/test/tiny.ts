import type { Backend } from '@unmask/tensor';
import { type DlcmConfig, DlcmModel, dlcmWeightsFromTensors, randomDlcmTensors } from '../src';

/** A DLCM small enough for exhaustive tests: every stage with grouped KV heads. */
export function tinyConfig(overrides: Partial<DlcmConfig> = {}): DlcmConfig {
  return {
    vocabSize: 40,
    dToken: 16,
    dConcept: 24,
    encoder: { numLayers: 1, numHeads: 4, numKvHeads: 2, headDim: 4, intermediateSize: 32 },
    backbone: { numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 6, intermediateSize: 48 },
    decoder: { numLayers: 1, numHeads: 2, numKvHeads: 1, headDim: 8, intermediateSize: 32 },
    crossAttention: { numHeads: 4, numKvHeads: 2, headDim: 4 },
    boundary: { kind: 'learned' },
    compressionRatio: 4,
    ropeTheta: 10000,
    normEps: 1e-6,
    maxPositions: 64,
    tiedEmbeddings: false,
    bosTokenId: undefined,
    eosTokenId: 1,
    padTokenId: 0,
    ...overrides,
  };
}

export function tinyModel(backend: Backend, config: DlcmConfig = tinyConfig(), seed = 1): DlcmModel {
  return new DlcmModel(backend, config, dlcmWeightsFromTensors(randomDlcmTensors(config, seed), config));
}

/** Ids in [0, vocab) from a seeded generator. */
export function randomIds(count: number, vocab: number, random: () => number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * vocab));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
