import { f32Data, i32, mulberry32 } from '@unmask/tensor';
import type { DiffusionLM } from '@unmask/transformer';

/**
 * `samples` fixed masks over a response of `genLength` positions (ascending positions each), for
 * the LLaDA likelihood estimate: mask k hides l_k = round((k + 1/2) * genLength / samples) positions
 * (the masked count stratified over 1..genLength instead of drawn uniformly), chosen uniformly at
 * random by a generator seeded with `seed`.
 */
export function likelihoodMasks(genLength: number, samples: number, seed: number): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: samples }, (_, k) => {
    const count = Math.min(genLength, Math.max(1, Math.round(((k + 0.5) * genLength) / samples)));
    const order = Array.from({ length: genLength }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (genLength - i));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order.slice(0, count).sort((a, b) => a - b);
  });
}

/**
 * LLaDA's Monte-Carlo bound on -log p(response | prompt), per response token (nats), under the full
 * uncached model: with l of the L response positions masked, (L / l) * sum of the masked
 * positions' cross-entropies / L = their mean cross-entropy; averaged over the given masks. The
 * prompt is never masked. One batched forward over all masks.
 */
export function responseNll(
  model: DiffusionLM,
  prompt: readonly number[],
  response: ArrayLike<number>,
  masks: readonly number[][],
  maskId: number,
): number {
  const promptLength = prompt.length;
  const seq = promptLength + response.length;
  const ids = new Int32Array(masks.length * seq);
  masks.forEach((mask, k) => {
    ids.set(prompt, k * seq);
    ids.set(Array.from(response), k * seq + promptLength);
    for (const position of mask) ids[k * seq + promptLength + position] = maskId;
  });
  const logits = f32Data(model.forward(i32([masks.length, seq], ids)));
  const vocab = model.logitsWidth;
  let total = 0;
  masks.forEach((mask, k) => {
    let crossEntropy = 0;
    for (const position of mask) {
      const row = (k * seq + promptLength + position) * vocab;
      crossEntropy += logSumExp(logits, row, vocab) - logits[row + response[position]!]!;
    }
    total += crossEntropy / mask.length;
  });
  return total / masks.length;
}

function logSumExp(values: Float32Array, start: number, length: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = start; i < start + length; i++) max = Math.max(max, values[i]!);
  let sum = 0;
  for (let i = start; i < start + length; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum);
}
