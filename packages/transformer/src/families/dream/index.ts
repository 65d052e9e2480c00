import { ConfigReader, type ModelConfig, type RawConfig, validateShapes } from '../../config';
import { ModelConfigError } from '../../errors';
import type { ModelFamily } from '../../family';
import type { ModelWeightNames } from '../../weights';

/** Dream-v0's config.json (Qwen2 field names); unsupported variants are refused by name. */
function parseConfig(raw: RawConfig, where: string): ModelConfig {
  const read = new ConfigReader(raw, where);
  read.oneOf('hidden_act', ['silu']);
  read.oneOf('rope_scaling', [null]);
  read.oneOf('use_sliding_window', [false]);
  read.oneOf('use_mrope', [false]);
  const hiddenSize = read.positiveInt('hidden_size');
  const numHeads = read.positiveInt('num_attention_heads');
  if (hiddenSize % numHeads !== 0) {
    throw new ModelConfigError(
      `${where}: hidden_size ${hiddenSize} is not a multiple of num_attention_heads ${numHeads}`,
    );
  }
  return validateShapes(
    {
      family: 'dream',
      vocabSize: read.positiveInt('vocab_size'),
      hiddenSize,
      numLayers: read.positiveInt('num_hidden_layers'),
      numHeads,
      numKvHeads: read.positiveInt('num_key_value_heads', numHeads),
      headDim: hiddenSize / numHeads,
      intermediateSize: read.positiveInt('intermediate_size'),
      ropeTheta: read.positiveNumber('rope_theta', 10000),
      normEps: read.positiveNumber('rms_norm_eps', 1e-6),
      maxPositions: read.positiveInt('max_position_embeddings', 32768),
      qkvBias: true,
      tiedEmbeddings: read.boolean('tie_word_embeddings', false),
      maskTokenId: read.tokenId('mask_token_id'),
      eosTokenId: read.tokenId('eos_token_id'),
      padTokenId: read.tokenId('pad_token_id'),
      bosTokenId: read.tokenId('bos_token_id'),
    },
    where,
  );
}

function weightNames(config: ModelConfig): ModelWeightNames {
  return {
    embedding: 'model.embed_tokens.weight',
    finalNorm: 'model.norm.weight',
    lmHead: config.tiedEmbeddings ? undefined : 'lm_head.weight',
    block: (i) => {
      const b = `model.layers.${i}`;
      return {
        attnNorm: `${b}.input_layernorm.weight`,
        q: `${b}.self_attn.q_proj.weight`,
        k: `${b}.self_attn.k_proj.weight`,
        v: `${b}.self_attn.v_proj.weight`,
        qkvBias: {
          q: `${b}.self_attn.q_proj.bias`,
          k: `${b}.self_attn.k_proj.bias`,
          v: `${b}.self_attn.v_proj.bias`,
        },
        out: `${b}.self_attn.o_proj.weight`,
        ffNorm: `${b}.post_attention_layernorm.weight`,
        gate: `${b}.mlp.gate_proj.weight`,
        up: `${b}.mlp.up_proj.weight`,
        down: `${b}.mlp.down_proj.weight`,
      };
    },
  };
}

export const dream: ModelFamily = {
  name: 'dream',
  modelTypes: ['Dream', 'dream'],
  architectures: ['DreamModel'],
  parseConfig,
  weightNames,
  shiftedLogits: true,
};
