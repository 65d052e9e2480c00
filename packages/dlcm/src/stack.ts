import { type Backend, bool, i32, type Tensor } from '@unmask/tensor';
import { type BlockWeights, type ModelConfig, TransformerBlock } from '@unmask/transformer';
import type { DlcmConfig, StageConfig } from './config';

/** The facts a `TransformerBlock` of one DLCM stage needs, at that stage's width. */
export function stageModelConfig(config: DlcmConfig, stage: StageConfig, width: number): ModelConfig {
  return {
    family: 'dlcm',
    vocabSize: config.vocabSize,
    hiddenSize: width,
    numLayers: stage.numLayers,
    numHeads: stage.numHeads,
    numKvHeads: stage.numKvHeads,
    headDim: stage.headDim,
    intermediateSize: stage.intermediateSize,
    ropeTheta: config.ropeTheta,
    normEps: config.normEps,
    maxPositions: config.maxPositions,
    qkvBias: false,
    tiedEmbeddings: config.tiedEmbeddings,
    maskTokenId: undefined,
    eosTokenId: config.eosTokenId,
    padTokenId: config.padTokenId,
    bosTokenId: config.bosTokenId,
  };
}

/** bool [S, S]: row i sees columns 0..i. */
export function causalMask(length: number): Tensor {
  const data = new Uint8Array(length * length);
  for (let i = 0; i < length; i++) data.fill(1, i * length, i * length + i + 1);
  return bool([length, length], data);
}

/** int32 [n]: 0..n-1. */
export function positionRange(n: number): Tensor {
  return i32(
    [n],
    Array.from({ length: n }, (_, i) => i),
  );
}

/**
 * A causal stack of pre-norm blocks (RMSNorm, RoPE, grouped-query attention, SwiGLU): the DLCM
 * encoder and decoder over tokens and the backbone over concepts. Its blocks keep the stages of
 * `TransformerBlock`, so incremental decoding can run them row by row against a KV cache.
 */
export class CausalStack {
  readonly blocks: TransformerBlock[];

  constructor(backend: Backend, weights: readonly BlockWeights[], modelConfig: ModelConfig) {
    this.blocks = weights.map((w) => new TransformerBlock(backend, w, modelConfig));
  }

  /** Every block over rows x [B, S, W] at positions 0..S-1, each row seeing itself and earlier rows. */
  forward(x: Tensor): Tensor {
    const length = x.dims[1]!;
    const positions = positionRange(length);
    const mask = causalMask(length);
    let out = x;
    for (const block of this.blocks) out = block.forward(out, positions, mask);
    return out;
  }
}
