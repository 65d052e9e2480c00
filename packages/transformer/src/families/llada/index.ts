import { ConfigReader, type ModelConfig, type RawConfig, validateShapes } from '../../config';
import { ModelConfigError } from '../../errors';
import type { ModelFamily } from '../../family';
import type { ModelWeightNames } from '../../weights';

/** The mask token of the released LLaDA models, used when config.json does not name one. */
export const LLADA_MASK_TOKEN_ID = 126336;

/** LLaDA-8B's config.json (OLMo-style field names); unsupported variants are refused by name. */
function parseConfig(raw: RawConfig, where: string): ModelConfig {
  const read = new ConfigReader(raw, where);
  read.oneOf('block_type', ['llama']);
  read.oneOf('layer_norm_type', ['rms']);
  read.oneOf('activation_type', ['silu']);
  read.oneOf('alibi', [false]);
  read.oneOf('rope', [true]);
  read.oneOf('include_bias', [false]);
  read.oneOf('include_qkv_bias', [false]);
  read.oneOf('attention_layer_norm', [false]);
  read.oneOf('input_emb_norm', [false]);
  read.oneOf('scale_logits', [false]);
  read.oneOf('layer_norm_with_affine', [true]);
  read.oneOf('block_group_size', [1]);
  const hiddenSize = read.positiveInt('d_model');
  const numHeads = read.positiveInt('n_heads');
  const numKvHeads = read.positiveInt('n_kv_heads', numHeads);
  if (hiddenSize % numHeads !== 0) {
    throw new ModelConfigError(`${where}: d_model ${hiddenSize} is not a multiple of n_heads ${numHeads}`);
  }
  const vocabSize = read.positiveInt('vocab_size');
  return validateShapes(
    {
      family: 'llada',
      vocabSize,
      hiddenSize,
      numLayers: read.positiveInt('n_layers'),
      numHeads,
      numKvHeads,
      headDim: hiddenSize / numHeads,
      intermediateSize: read.positiveInt('mlp_hidden_size'),
      ropeTheta: read.positiveNumber('rope_theta', 10000),
      normEps: read.positiveNumber('rms_norm_eps', 1e-5),
      maxPositions: read.positiveInt('max_sequence_length', 4096),
      qkvBias: false,
      tiedEmbeddings: read.boolean('weight_tying', false),
      maskTokenId: read.tokenId('mask_token_id') ?? LLADA_MASK_TOKEN_ID,
      eosTokenId: read.tokenId('eos_token_id'),
      padTokenId: read.tokenId('pad_token_id'),
      bosTokenId: read.tokenId('bos_token_id'),
    },
    where,
  );
}

function weightNames(config: ModelConfig): ModelWeightNames {
  const prefix = 'model.transformer';
  return {
    embedding: `${prefix}.wte.weight`,
    finalNorm: `${prefix}.ln_f.weight`,
    lmHead: config.tiedEmbeddings ? undefined : `${prefix}.ff_out.weight`,
    block: (i) => {
      const b = `${prefix}.blocks.${i}`;
      return {
        attnNorm: `${b}.attn_norm.weight`,
        q: `${b}.q_proj.weight`,
        k: `${b}.k_proj.weight`,
        v: `${b}.v_proj.weight`,
        out: `${b}.attn_out.weight`,
        ffNorm: `${b}.ff_norm.weight`,
        gate: `${b}.ff_proj.weight`,
        up: `${b}.up_proj.weight`,
        down: `${b}.ff_out.weight`,
      };
    },
  };
}

export const llada: ModelFamily = {
  name: 'llada',
  modelTypes: ['llada'],
  architectures: ['LLaDAModelLM'],
  parseConfig,
  weightNames,
  shiftedLogits: false,
};
