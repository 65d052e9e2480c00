import { BoundaryLossError } from './errors';

/**
 * Training-time sharpening of a boundary probability before Bernoulli sampling:
 *   p' = p^a / (p^a + (1 - p)^a) = 1 / (1 + ((1 - p) / p)^a),  a = 1 / temperature
 * which is sigmoid(logit(p) / temperature) written without logits, so p = 0 and p = 1 stay exact
 * and a tiny temperature cannot make 0 / 0.
 * It keeps 0.5 fixed (samples agree with the inference threshold p >= 0.5 in the limit), is
 * monotone, is the identity at temperature 1 and pushes p toward 0 or 1 as the temperature falls.
 */
export function sharpenProbability(p: number, temperature: number): number {
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new BoundaryLossError(`the sharpening temperature must be a positive number, got ${temperature}`);
  }
  if (!(p >= 0 && p <= 1)) throw new BoundaryLossError(`boundary probability ${p} is outside [0, 1]`);
  return 1 / (1 + ((1 - p) / p) ** (1 / temperature));
}

/**
 * Samples boundary flags [B * S] from Bernoulli(sharpen(p_t)) for probabilities [B * S] in rows of
 * `length`; every row's first token is a boundary whatever is drawn. `random` returns [0, 1).
 */
export function sampleBoundaries(
  probabilities: Float32Array,
  length: number,
  temperature: number,
  random: () => number,
): Uint8Array {
  return Uint8Array.from(probabilities, (p, i) =>
    i % length === 0 || random() < sharpenProbability(p, temperature) ? 1 : 0,
  );
}
