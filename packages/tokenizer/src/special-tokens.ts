import { isJsonObject, type JsonObject } from './json-fields';

export type SpecialTokenRole = 'bos' | 'eos' | 'pad' | 'unk' | 'mask';
export const SPECIAL_TOKEN_ROLES: readonly SpecialTokenRole[] = ['bos', 'eos', 'pad', 'unk', 'mask'];

export interface SpecialToken {
  content: string;
  id: number;
}

export type SpecialTokens = Partial<Record<SpecialTokenRole, SpecialToken>>;

/**
 * Mask tokens of diffusion LMs whose configs do not name them: LLaDA's tokenizer_config.json has no
 * `mask_token`, its mask is the added token "<|mdm_mask|>" (config.json's mask_token_id 126336).
 */
const KNOWN_MASK_TOKENS = ['<|mdm_mask|>', '<|mask|>'];

/** A special-token entry of tokenizer_config.json / special_tokens_map.json: a string or `{content: ...}`. */
export function specialTokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isJsonObject(value) && typeof value['content'] === 'string') return value['content'];
  return undefined;
}

/** The contents of the configured special tokens (`bos_token`, ...), as chat templates see them. */
export function specialTokenStrings(config: JsonObject): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const content = key.endsWith('_token') ? specialTokenContent(value) : undefined;
    if (content !== undefined) strings[key] = content;
  }
  return strings;
}

/** bos / eos / pad / unk / mask with their ids, from the merged tokenizer config; roles without a known id are left out. */
export function resolveSpecialTokens(
  config: JsonObject,
  idOf: (content: string) => number | undefined,
): SpecialTokens {
  const resolved: SpecialTokens = {};
  for (const role of SPECIAL_TOKEN_ROLES) {
    const configured = specialTokenContent(config[`${role}_token`]);
    const candidates = configured !== undefined ? [configured] : role === 'mask' ? KNOWN_MASK_TOKENS : [];
    for (const content of candidates) {
      const id = idOf(content);
      if (id === undefined) continue;
      resolved[role] = { content, id };
      break;
    }
  }
  return resolved;
}
