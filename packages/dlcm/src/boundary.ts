import { type Backend, f32Data, i32, type Tensor } from '@unmask/tensor';
import type { BoundaryConfig } from './config';
import { DlcmWeightError } from './errors';

/** The probability a boundary threshold is compared with, and the rule turning it into flags. */
export interface BoundaryDetector {
  /** p [B * S] for encoder states hidden [B, S, d_token]; p is 1 at every row's first token. */
  probabilities(hidden: Tensor): Float32Array;
  /** The inference rule: 1 where a segment starts (always at each row's first token). */
  decide(probabilities: Float32Array, length: number): Uint8Array;
}

/**
 * p_t = (1 - cos(previous_{t-1}, current_t)) / 2 for t >= 1 and p_0 = 1, for previous and current
 * [B, S, D]. It reads token t and t - 1 only, so a boundary never depends on later tokens.
 */
export function shiftedCosineProbabilities(
  backend: Backend,
  previous: Tensor,
  current: Tensor,
): Float32Array {
  const [batch, length] = current.dims as [number, number];
  const out = new Float32Array(batch * length);
  for (let b = 0; b < batch; b++) out[b * length] = 1;
  if (length < 2) return out;
  const rows = (from: number) =>
    i32(
      [length - 1],
      Array.from({ length: length - 1 }, (_, i) => from + i),
    );
  const cosines = f32Data(
    backend.cosineRows(backend.gatherRows(previous, rows(0)), backend.gatherRows(current, rows(1))),
  );
  for (let b = 0; b < batch; b++) {
    for (let t = 1; t < length; t++) out[b * length + t] = (1 - cosines[b * (length - 1) + t - 1]!) / 2;
  }
  return out;
}

function flags(probabilities: Float32Array, length: number, isBoundary: (p: number) => boolean): Uint8Array {
  return Uint8Array.from(probabilities, (p, i) => (i % length === 0 || isBoundary(p) ? 1 : 0));
}

/** The paper's detector: q_t = Wq h_t, k_t = Wk h_t, p_t = (1 - cos(q_{t-1}, k_t)) / 2; a boundary where p_t >= 0.5. */
export class LearnedBoundaryDetector implements BoundaryDetector {
  static readonly threshold = 0.5;

  constructor(
    private readonly backend: Backend,
    private readonly weights: { q: Tensor; k: Tensor },
  ) {}

  probabilities(hidden: Tensor): Float32Array {
    const { backend, weights } = this;
    return shiftedCosineProbabilities(
      backend,
      backend.linear(hidden, weights.q),
      backend.linear(hidden, weights.k),
    );
  }

  decide(probabilities: Float32Array, length: number): Uint8Array {
    return flags(probabilities, length, (p) => p >= LearnedBoundaryDetector.threshold);
  }
}

/** The paper's stable alternative: p_t = (1 - cos(h_{t-1}, h_t)) / 2 on the encoder states; a boundary where p_t > tau. */
export class RuleBoundaryDetector implements BoundaryDetector {
  constructor(
    private readonly backend: Backend,
    readonly tau: number,
  ) {}

  probabilities(hidden: Tensor): Float32Array {
    return shiftedCosineProbabilities(this.backend, hidden, hidden);
  }

  decide(probabilities: Float32Array, length: number): Uint8Array {
    return flags(probabilities, length, (p) => p > this.tau);
  }
}

export function createBoundaryDetector(
  backend: Backend,
  config: BoundaryConfig,
  weights: { q: Tensor; k: Tensor } | undefined,
): BoundaryDetector {
  if (config.kind === 'rule') return new RuleBoundaryDetector(backend, config.tau);
  if (!weights)
    throw new DlcmWeightError('the learned boundary detector needs boundary.q_proj and boundary.k_proj');
  return new LearnedBoundaryDetector(backend, weights);
}
