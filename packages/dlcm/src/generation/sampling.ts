import { mulberry32 } from '@unmask/tensor';
import { DlcmGenerationError } from './errors';

export interface SamplingOptions {
  /** 0 (the default) is greedy: the most probable token, the first on ties; the other options are then unused. */
  temperature?: number;
  /** Sample among the k most probable tokens only. */
  topK?: number;
  /** Sample among the most probable tokens whose probabilities (after topK) first reach this mass; in (0, 1]. */
  topP?: number;
  /** Seed of the random draws, a non-negative safe integer; default 0, so unseeded runs repeat too. */
  seed?: number;
}

/** Picks the next token from a logits row [vocab]. */
export type TokenPicker = (logits: Float32Array) => number;

/** Validates sampling options and returns a picker: argmax at temperature 0, else a seeded draw after top-k and top-p. */
export function tokenPicker(options: SamplingOptions): TokenPicker {
  const { temperature = 0, topK, topP, seed = 0 } = options;
  if (!(Number.isFinite(temperature) && temperature >= 0))
    throw new DlcmGenerationError('temperature', temperature, 'must be a finite number >= 0');
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1))
    throw new DlcmGenerationError('topK', topK, 'must be a positive integer');
  if (topP !== undefined && !(topP > 0 && topP <= 1))
    throw new DlcmGenerationError('topP', topP, 'must be in (0, 1]');
  if (!(Number.isSafeInteger(seed) && seed >= 0))
    throw new DlcmGenerationError('seed', seed, 'must be a non-negative integer');
  if (temperature === 0) return argmax;
  // mulberry32 keeps 32 bits of state: fold the seed's high bits in so that large seeds differ too.
  const random = mulberry32((seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x9e3779b1));
  return (logits) => draw(candidates(logits, temperature, topK, topP), random());
}

function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

interface Candidates {
  ids: number[];
  weights: Float64Array;
}

/**
 * Unnormalised probabilities exp((l - max) / T) of the tokens left after top-k then top-p, most
 * probable first (ties: lower id first, so top-k = 1 is the argmax).
 */
function candidates(logits: Float32Array, temperature: number, topK?: number, topP?: number): Candidates {
  let ids = Array.from(logits.keys());
  if (topK !== undefined || topP !== undefined) ids.sort((a, b) => logits[b]! - logits[a]! || a - b);
  if (topK !== undefined) ids = ids.slice(0, topK);
  let max = Number.NEGATIVE_INFINITY;
  for (const id of ids) max = Math.max(max, logits[id]!);
  const weights = Float64Array.from(ids, (id) => Math.exp((logits[id]! - max) / temperature));
  if (topP === undefined || topP === 1) return { ids, weights };
  const total = weights.reduce((a, w) => a + w, 0);
  let kept = 0;
  let mass = 0;
  // A token stays while the mass before it is still short of topP; the first always stays.
  while (kept < ids.length && (kept === 0 || mass < topP * total)) mass += weights[kept++]!;
  return { ids: ids.slice(0, kept), weights: weights.subarray(0, kept) };
}

function draw({ ids, weights }: Candidates, u: number): number {
  const total = weights.reduce((a, w) => a + w, 0);
  let left = u * total;
  for (let i = 0; i < ids.length; i++) {
    left -= weights[i]!;
    if (left < 0) return ids[i]!;
  }
  // Rounding may leave a sliver of mass: it belongs to the last candidate.
  return ids[ids.length - 1]!;
}
