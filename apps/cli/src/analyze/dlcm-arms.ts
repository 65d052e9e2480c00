/**
 * The three models of the DLCM experiment, as the config.json objects `unmask train --arch dlcm`
 * reads. Every model shares the token side (vocabulary, d_token 128, heads, FFN); the baseline spends
 * its compute on four token layers, the DLCMs on one encoder and one decoder layer plus a concept
 * backbone at d_concept 256 whose depth is chosen so that the inference FLOPs per token (counted by
 * `dlcmFlopsPerToken` at R) stay within a few percent of the baseline's: one backbone layer at R=2,
 * two at R=4 (a concept costs about 4x a token layer and runs once every R tokens).
 */
export interface ExperimentArm {
  name: string;
  label: string;
  /** Target tokens per concept; undefined for the token-level baseline. */
  compressionRatio: number | undefined;
  config: Record<string, unknown>;
}

const TOKEN_STAGE = { num_heads: 4, num_kv_heads: 2, intermediate_size: 352 };

/** The BPE vocabulary the trainer learns (its target size) and the longest sequence a model takes. */
const SHARED_FIELDS = {
  model_type: 'dlcm',
  vocab_size: 2048,
  d_token: 128,
  rope_theta: 10000,
  rms_norm_eps: 1e-6,
  max_position_embeddings: 1024,
  tie_word_embeddings: false,
};

function dlcmArm(ratio: number, backboneLayers: number): ExperimentArm {
  return {
    name: `dlcm-r${ratio}`,
    label: `DLCM R=${ratio}`,
    compressionRatio: ratio,
    config: {
      ...SHARED_FIELDS,
      d_concept: 256,
      encoder: { num_layers: 1, ...TOKEN_STAGE },
      backbone: { num_layers: backboneLayers, num_heads: 4, num_kv_heads: 2, intermediate_size: 704 },
      decoder: { num_layers: 1, ...TOKEN_STAGE },
      cross_attention: { num_heads: 4, num_kv_heads: 2 },
      boundary: { kind: 'learned' },
      compression_ratio: ratio,
    },
  };
}

/** The baseline, DLCM R=2 and DLCM R=4. */
export function experimentArms(): ExperimentArm[] {
  return [
    {
      name: 'baseline',
      label: 'token baseline',
      compressionRatio: undefined,
      config: {
        ...SHARED_FIELDS,
        token_only: true,
        encoder: { num_layers: 2, ...TOKEN_STAGE },
        decoder: { num_layers: 2, ...TOKEN_STAGE },
      },
    },
    dlcmArm(2, 1),
    dlcmArm(4, 2),
  ];
}
