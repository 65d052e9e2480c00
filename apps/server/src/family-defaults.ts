/**
 * What a request gets for the fields it leaves out, per model family, named as the request names
 * them. `steps` defaults to `max_tokens` (one token committed per step) for every family.
 */
export interface FamilyDefaults {
  max_tokens: number;
  temperature: number;
  /** Dream's nucleus filter; LLaDA's sampler has none. */
  top_p?: number;
  policy: string;
  /** LLaDA: semi-autoregressive block length, when it divides max_tokens (else one block). */
  block_length?: number;
  remasking?: 'low_confidence' | 'random';
  cfg_scale?: number;
  alg?: 'origin' | 'maskgit_plus' | 'topk_margin' | 'entropy';
  alg_temp?: number;
}

/** Families without an entry here get these. */
const GENERIC: FamilyDefaults = { max_tokens: 64, temperature: 0, policy: 'none' };

const BY_FAMILY: Record<string, FamilyDefaults> = {
  // LLaDA's generate.py defaults: greedy, low-confidence remasking, blocks of 32, no guidance.
  llada: { ...GENERIC, block_length: 32, remasking: 'low_confidence', cfg_scale: 0 },
  // Dream's published sampling settings: entropy ordering, temperature 0.2, top_p 0.95.
  dream: { ...GENERIC, temperature: 0.2, top_p: 0.95, alg: 'entropy', alg_temp: 0 },
};

export function familyDefaults(family: string): FamilyDefaults {
  return BY_FAMILY[family] ?? GENERIC;
}
