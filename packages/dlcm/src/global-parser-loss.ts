import { BoundaryLossError } from './errors';

/**
 * The Global Parser loss L_aux = R/(R-1) * ((R-1) F G + (1-F)(1-G)) - 1, with G the mean boundary
 * probability and F the realised boundary rate, both over the whole batch, and R the target tokens
 * per concept. F = G = 1/R gives 0.
 */
export function globalParserLoss(rate: number, meanProbability: number, ratio: number): number {
  checkRatio(ratio);
  const f = rate;
  const g = meanProbability;
  return (ratio / (ratio - 1)) * ((ratio - 1) * f * g + (1 - f) * (1 - g)) - 1;
}

/**
 * dL_aux/dG = R/(R-1) * (R F - 1), F held constant (it comes from sampled boundaries). Positive when
 * boundaries are too frequent (F > 1/R), so gradient descent lowers G; negative when too rare.
 */
export function globalParserGradient(rate: number, ratio: number): number {
  checkRatio(ratio);
  return (ratio / (ratio - 1)) * (ratio * rate - 1);
}

function checkRatio(ratio: number): void {
  if (!(Number.isFinite(ratio) && ratio > 1)) {
    throw new BoundaryLossError(`the compression ratio R must be a number above 1, got ${ratio}`);
  }
}

export interface GlobalParserResult {
  value: number;
  /** F: realised boundaries / tokens. */
  rate: number;
  /** G: summed boundary probabilities / tokens. */
  meanProbability: number;
  /** Realised tokens per concept, 1 / F. */
  tokensPerConcept: number;
  /** dL_aux/dG. */
  gradient: number;
  /** dL_aux/dp_t for every token counted (G is a mean over them): gradient / tokens. */
  gradientPerProbability: number;
  tokens: number;
}

/**
 * Sums boundary probabilities and realised boundaries over every micro-batch of one optimiser step,
 * so G and F cover the whole batch however it is split. Because L_aux is linear in G once F is fixed,
 * a trainer can backpropagate each micro-batch's sum of p_t into its own buffer and scale it by
 * `gradientPerProbability` once the last micro-batch is in.
 */
export class GlobalParserAccumulator {
  private probabilitySum = 0;
  private boundaries = 0;
  private count = 0;

  constructor(readonly ratio: number) {
    checkRatio(ratio);
  }

  /** One micro-batch's counted tokens (padding left out): p_t and the realised flags (0 or 1). */
  add(probabilities: ArrayLike<number>, starts: ArrayLike<number>): void {
    if (probabilities.length !== starts.length) {
      throw new BoundaryLossError(
        `${probabilities.length} probabilities but ${starts.length} boundary flags`,
      );
    }
    for (let i = 0; i < probabilities.length; i++) {
      const p = probabilities[i]!;
      const flag = starts[i]!;
      if (!(p >= 0 && p <= 1))
        throw new BoundaryLossError(`boundary probability ${p} at ${i} is outside [0, 1]`);
      if (flag !== 0 && flag !== 1)
        throw new BoundaryLossError(`boundary flag ${flag} at ${i} is not 0 or 1`);
      this.probabilitySum += p;
      this.boundaries += flag;
    }
    this.count += probabilities.length;
  }

  get tokens(): number {
    return this.count;
  }

  result(): GlobalParserResult {
    if (this.count === 0) throw new BoundaryLossError('the Global Parser loss needs at least one token');
    const rate = this.boundaries / this.count;
    const meanProbability = this.probabilitySum / this.count;
    const gradient = globalParserGradient(rate, this.ratio);
    return {
      value: globalParserLoss(rate, meanProbability, this.ratio),
      rate,
      meanProbability,
      tokensPerConcept: rate > 0 ? 1 / rate : Number.POSITIVE_INFINITY,
      gradient,
      gradientPerProbability: gradient / this.count,
      tokens: this.count,
    };
  }

  reset(): void {
    this.probabilitySum = 0;
    this.boundaries = 0;
    this.count = 0;
  }
}
