import type { ModelConfig, RawConfig } from '@unmask/transformer';
import { TrainError } from '../errors';

/** The sizes of a LLaDA-architecture model to train (no biases, untied LM head, RMSNorm, SwiGLU, RoPE). */
export interface LladaArchitecture {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  intermediateSize: number;
  vocabSize: number;
  ropeTheta: number;
  normEps: number;
  maxPositions: number;
  maskTokenId: number;
  eosTokenId: number | undefined;
}

/** The architecture of a parsed LLaDA config (what a saved checkpoint's config.json is rebuilt from). */
export function architectureOf(config: ModelConfig): LladaArchitecture {
  const { hiddenSize, numLayers, numHeads, numKvHeads, intermediateSize, vocabSize } = config;
  const { ropeTheta, normEps, maxPositions, maskTokenId, eosTokenId } = config;
  if (maskTokenId === undefined) throw new TrainError('a LLaDA model needs a mask token id');
  return {
    hiddenSize,
    numLayers,
    numHeads,
    numKvHeads,
    intermediateSize,
    vocabSize,
    ropeTheta,
    normEps,
    maxPositions,
    maskTokenId,
    eosTokenId,
  };
}

/**
 * config.json of an official LLaDA checkpoint (the fields of LLaDA-8B's, as in
 * test-data/fixtures/llada-tiny-1) for these sizes.
 */
export function lladaConfigJson(arch: LladaArchitecture): RawConfig {
  return {
    activation_type: 'silu',
    alibi: false,
    alibi_bias_max: 8.0,
    architectures: ['LLaDAModelLM'],
    attention_dropout: 0.0,
    attention_layer_norm: false,
    attention_layer_norm_with_affine: true,
    auto_map: {
      AutoConfig: 'configuration_llada.LLaDAConfig',
      AutoModelForCausalLM: 'modeling_llada.LLaDAModelLM',
      AutoModel: 'modeling_llada.LLaDAModelLM',
    },
    bias_for_layer_norm: false,
    block_group_size: 1,
    block_type: 'llama',
    d_model: arch.hiddenSize,
    embedding_dropout: 0.0,
    embedding_size: arch.vocabSize,
    eos_token_id: arch.eosTokenId ?? null,
    flash_attention: false,
    include_bias: false,
    include_qkv_bias: false,
    init_cutoff_factor: null,
    init_device: 'meta',
    init_fn: 'mitchell',
    init_std: 0.02,
    input_emb_norm: false,
    layer_norm_type: 'rms',
    layer_norm_with_affine: true,
    mask_token_id: arch.maskTokenId,
    max_sequence_length: arch.maxPositions,
    mlp_hidden_size: arch.intermediateSize,
    mlp_ratio: 4,
    model_type: 'llada',
    multi_query_attention: null,
    n_heads: arch.numHeads,
    n_kv_heads: arch.numKvHeads,
    n_layers: arch.numLayers,
    pad_token_id: arch.eosTokenId ?? null,
    precision: 'fp32',
    residual_dropout: 0.0,
    rms_norm_eps: arch.normEps,
    rope: true,
    rope_full_precision: true,
    rope_theta: arch.ropeTheta,
    scale_logits: false,
    transformers_version: '4.46.3',
    use_cache: false,
    vocab_size: arch.vocabSize,
    weight_tying: false,
  };
}
