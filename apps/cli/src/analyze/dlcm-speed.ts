import { type DlcmModel, generateDlcm } from '@unmask/dlcm';
import { i32 } from '@unmask/tensor';
import type { Tokenizer } from '@unmask/tokenizer';

export interface GenerationSpeed {
  name: string;
  label: string;
  promptTokens: number;
  newTokens: number;
  /** Median over the rounds of greedy generation with the session caches. */
  cachedTokensPerSecond: number;
  /** Greedy generation that reruns the whole forward pass over the prefix for every token. */
  recomputeTokensPerSecond: number;
  /** The recomputing generator picked the same tokens as the cached one (it must). */
  recomputeAgrees: boolean;
}

const PROMPT_TOKENS = 64;
const ROUNDS = 3;
/** Recomputing is slow; it generates this many tokens (the cached run's first ones). */
const RECOMPUTE_TOKENS = 32;

interface TimedModel {
  name: string;
  label: string;
  model: DlcmModel;
  tokenizer: Tokenizer;
}

/**
 * Greedy generation of `newTokens` after a held-out prompt, never stopping at EOS. The models take
 * turns within each round so that a busy machine slows them alike; the median round is kept.
 */
export function measureGenerationSpeed(
  models: readonly TimedModel[],
  heldOut: string,
  newTokens: number,
): GenerationSpeed[] {
  const prompts = models.map(({ tokenizer }) =>
    tokenizer.encode(heldOut, { addSpecialTokens: false }).slice(0, PROMPT_TOKENS),
  );
  const rounds: number[][] = models.map(() => []);
  const cachedIds: number[][] = models.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    models.forEach(({ model }, i) => {
      const started = performance.now();
      const { ids } = generateDlcm(model, prompts[i]!, { maxNewTokens: newTokens, eosTokenId: null });
      rounds[i]!.push(ids.length / ((performance.now() - started) / 1000));
      cachedIds[i] = ids;
    });
  }
  return models.map(({ name, label, model }, i) => {
    const recompute = recomputeGreedy(model, prompts[i]!, Math.min(RECOMPUTE_TOKENS, newTokens));
    return {
      name,
      label,
      promptTokens: prompts[i]!.length,
      newTokens,
      cachedTokensPerSecond: median(rounds[i]!),
      recomputeTokensPerSecond: recompute.tokensPerSecond,
      recomputeAgrees: recompute.ids.every((id, t) => id === cachedIds[i]![t]),
    };
  });
}

function recomputeGreedy(model: DlcmModel, prompt: number[], count: number) {
  const ids = [...prompt];
  const vocab = model.config.vocabSize;
  const started = performance.now();
  for (let n = 0; n < count; n++) {
    const logits = model.forward(i32([1, ids.length], ids)).logits.data as Float32Array;
    const last = logits.subarray((ids.length - 1) * vocab, ids.length * vocab);
    let best = 0;
    for (let v = 1; v < vocab; v++) if (last[v]! > last[best]!) best = v;
    ids.push(best);
  }
  return { ids: ids.slice(prompt.length), tokensPerSecond: count / ((performance.now() - started) / 1000) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
