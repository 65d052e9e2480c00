import type { Random } from '../random';
import type { Row } from '../row-math';

/** How Dream scores a masked position: max probability, top-1 minus top-2 probability, or negative entropy. */
export type DreamAlg = 'origin' | 'maskgit_plus' | 'topk_margin' | 'entropy';

export interface TokenFilter {
  temperature: number;
  topP: number | undefined;
  topK: number | undefined;
}

/** float32's lowest value: what upstream writes into filtered logits (not -inf). */
const FLOAT32_LOWEST = -3.4028234663852886e38;

/** Probabilities of a row after Dream's temperature, top-p and top-k filtering (upstream `sample_tokens`). */
export function filteredProbabilities(row: Row, filter: TokenFilter): Float64Array {
  const logits = new Float64Array(row.width);
  const scale = filter.temperature > 0 ? filter.temperature : 1;
  for (let i = 0; i < row.width; i++) logits[i] = Math.fround(row.data[row.offset + i]! / scale);
  if (filter.topP !== undefined && filter.topP < 1) keepTopP(logits, filter.topP);
  if (filter.topK !== undefined) keepTopK(logits, filter.topK);
  return softmax(logits);
}

/**
 * The token and confidence of one masked position for `alg`: at temperature 0 the most probable
 * token, else a draw from the filtered distribution; the confidence is the probability of that
 * token (maskgit_plus), the gap between the two largest probabilities (topk_margin) or
 * sum p log(p + 1e-10) (entropy, <= 0).
 */
export function scoreToken(
  probs: Float64Array,
  alg: DreamAlg,
  temperature: number,
  random: Random,
): { token: number; confidence: number } {
  let token = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[token]!) token = i;
  if (temperature > 0) token = random.categorical(probs);
  if (alg === 'topk_margin') {
    let first = Number.NEGATIVE_INFINITY;
    let second = Number.NEGATIVE_INFINITY;
    for (const p of probs) {
      if (p > first) [first, second] = [p, first];
      else if (p > second) second = p;
    }
    return { token, confidence: first - second };
  }
  if (alg === 'entropy') {
    let sum = 0;
    for (const p of probs) sum += p * Math.log(p + 1e-10);
    return { token, confidence: sum };
  }
  return { token, confidence: probs[token]! };
}

function softmax(logits: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const l of logits) max = Math.max(max, l);
  let sum = 0;
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** Keeps the most probable tokens whose cumulative probability first exceeds topP (the first always). */
function keepTopP(logits: Float64Array, topP: number): void {
  const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const probs = softmax(Float64Array.from(order, (i) => logits[i]!));
  let cumulative = 0;
  order.forEach((index, rank) => {
    // A token is removed when the mass before it already exceeds topP.
    if (rank > 0 && cumulative > topP) logits[index] = FLOAT32_LOWEST;
    cumulative += probs[rank]!;
  });
}

/** Keeps the tokens whose logit is at least the k-th largest. */
function keepTopK(logits: Float64Array, topK: number): void {
  const kth = [...logits].sort((a, b) => b - a)[Math.min(topK, logits.length) - 1]!;
  for (let i = 0; i < logits.length; i++) if (logits[i]! < kth) logits[i] = FLOAT32_LOWEST;
}
