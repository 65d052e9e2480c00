import { FEATURES, type Feature, type RecordedForward } from './feature-recorder';

/**
 * The rows a similarity is averaged over: the prompt, the whole response, and the response split
 * into the rows whose token did not change since the previous forward and those whose token did
 * (the tokens the previous step committed).
 */
export const ROW_PARTS = ['prompt', 'response', 'unchanged', 'committed'] as const;
export type RowPart = (typeof ROW_PARTS)[number];

interface Sums {
  sum: Float64Array;
  count: Float64Array;
}

/**
 * Cosine similarity of each row's feature between adjacent forwards of a request, summed by layer,
 * feature, row part and step, over as many requests as are added. Step t compares forward t with
 * forward t - 1, so step 0 has no value.
 */
export class AdjacentSimilarity {
  private readonly sums = new Map<string, Sums>();
  private previous: RecordedForward | undefined;
  private promptLength = 0;

  constructor(
    readonly layers: number,
    readonly steps: number,
  ) {}

  /** Starts a request: its first forward is compared with nothing. */
  startRequest(promptLength: number): void {
    this.previous = undefined;
    this.promptLength = promptLength;
  }

  add(forward: RecordedForward): void {
    const previous = this.previous;
    this.previous = forward;
    if (!previous || forward.step >= this.steps) return;
    const seq = forward.ids.length;
    forward.layers.forEach((layer, l) => {
      for (const feature of FEATURES) {
        const current = layer[feature];
        const before = previous.layers[l]![feature];
        const width = current.length / seq;
        const sums = this.sumsOf(l, feature);
        for (let row = 0; row < seq; row++) {
          const similarity = cosineOfRows(before, current, row, width);
          const changed = forward.ids[row] !== previous.ids[row];
          const parts: RowPart[] =
            row < this.promptLength ? ['prompt'] : ['response', changed ? 'committed' : 'unchanged'];
          for (const part of parts) {
            const at = ROW_PARTS.indexOf(part) * this.steps + forward.step;
            sums.sum[at]! += similarity;
            sums.count[at]! += 1;
          }
        }
      }
    });
  }

  /** Mean similarity at each step (index = step; NaN where no row was compared). */
  perStep(layer: number, feature: Feature, part: RowPart): number[] {
    const { sum, count } = this.sumsOf(layer, feature);
    const offset = ROW_PARTS.indexOf(part) * this.steps;
    return Array.from({ length: this.steps }, (_, step) => sum[offset + step]! / count[offset + step]!);
  }

  /** Mean similarity over every compared row of every step. */
  overall(layer: number, feature: Feature, part: RowPart): number {
    const { sum, count } = this.sumsOf(layer, feature);
    const offset = ROW_PARTS.indexOf(part) * this.steps;
    let total = 0;
    let n = 0;
    for (let step = 0; step < this.steps; step++) {
      total += sum[offset + step]!;
      n += count[offset + step]!;
    }
    return total / n;
  }

  private sumsOf(layer: number, feature: Feature): Sums {
    const key = `${layer}/${feature}`;
    let sums = this.sums.get(key);
    if (!sums) {
      const size = ROW_PARTS.length * this.steps;
      sums = { sum: new Float64Array(size), count: new Float64Array(size) };
      this.sums.set(key, sums);
    }
    return sums;
  }
}

/** Cosine similarity of row `row` of two row-major arrays of rows of `width` (1 when both rows are zero). */
export function cosineOfRows(a: Float32Array, b: Float32Array, row: number, width: number): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = row * width; i < (row + 1) * width; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (normA === 0 || normB === 0) return normA === normB ? 1 : 0;
  return dot / Math.sqrt(normA * normB);
}
