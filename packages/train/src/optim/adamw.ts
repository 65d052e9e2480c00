import type { Parameter } from '../autograd/parameter';
import { TrainError } from '../errors';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (multiplied by the learning rate, as in PyTorch's AdamW). Default 0.1. */
  weightDecay?: number;
  /** Which parameters decay; default the linear weights (not norms, not the embedding). */
  decays?: (parameter: Parameter) => boolean;
}

/** The optimizer's state, by parameter name: what a checkpoint saves to resume exactly. */
export interface AdamWState {
  /** Updates applied so far (the bias corrections' t). */
  step: number;
  moments: Map<string, { m: Float32Array; v: Float32Array }>;
}

/**
 * AdamW (Loshchilov & Hutter), PyTorch's update order: p *= 1 - lr wd; then p -= lr m^ / (sqrt(v^) + eps)
 * with bias-corrected moments m^, v^. Parameters are updated in place; a parameter without a gradient
 * this step is treated as having a zero gradient.
 */
export class AdamW {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly decays: (parameter: Parameter) => boolean;
  private state: AdamWState;

  constructor(
    readonly parameters: readonly Parameter[],
    options: AdamWOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.95;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.1;
    this.decays = options.decays ?? ((parameter) => parameter.kind === 'linear');
    const moments = new Map(
      parameters.map((p) => [
        p.name,
        { m: new Float32Array(p.value.size), v: new Float32Array(p.value.size) },
      ]),
    );
    this.state = { step: 0, moments };
  }

  get step(): number {
    return this.state.step;
  }

  /** One update with learning rate `lr`, from the parameters' accumulated gradients. */
  update(lr: number): void {
    const { beta1, beta2, eps } = this;
    const step = ++this.state.step;
    const correction1 = 1 - beta1 ** step;
    const correction2 = 1 - beta2 ** step;
    for (const parameter of this.parameters) {
      const { m, v } = this.state.moments.get(parameter.name)!;
      const p = parameter.data;
      const g = (parameter.grad?.data as Float32Array | undefined) ?? new Float32Array(p.length);
      const shrink = this.decays(parameter) ? 1 - lr * this.weightDecay : 1;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        p[i] = p[i]! * shrink - (lr * (m[i]! / correction1)) / (Math.sqrt(v[i]! / correction2) + eps);
      }
    }
  }

  /** The live state (not a copy): save it, or restore one with `load`. */
  snapshot(): AdamWState {
    return this.state;
  }

  /** Restores a saved state; every parameter must have moments of its size. */
  load(state: AdamWState): void {
    for (const p of this.parameters) {
      const moments = state.moments.get(p.name);
      if (!moments || moments.m.length !== p.value.size || moments.v.length !== p.value.size) {
        throw new TrainError(`optimizer state has no moments of ${p.value.size} values for '${p.name}'`);
      }
    }
    this.state = state;
  }
}
