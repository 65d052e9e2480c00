import { AdamW, type Parameter } from '@unmask/train';
import type { DlcmTrainConfig } from './config';

/**
 * The learning-rate multiplier of a parameter under decoupled muP with base width `baseWidth`: a
 * matrix [out, in] learns at baseWidth / in (Adam's muP rule for hidden weights: the update of a
 * width-d input stays O(1) per output as d grows), so the d_concept-wide backbone learns slower than
 * the d_token-wide encoder and decoder by d_token / d_concept when baseWidth = d_token. Vectors
 * (norms, the embedding, the null concept) keep the base rate.
 */
export function mupMultiplier(parameter: Parameter, baseWidth: number): number {
  return parameter.kind === 'linear' ? baseWidth / parameter.value.dims[1]! : 1;
}

/** AdamW over groups of parameters that each learn at the step's rate times their multiplier. */
export class GroupedAdamW {
  readonly groups: { multiplier: number; optimizer: AdamW }[];

  constructor(parameters: readonly Parameter[], config: DlcmTrainConfig) {
    const byMultiplier = new Map<number, Parameter[]>();
    for (const p of parameters) {
      const multiplier = config.mupBaseWidth === null ? 1 : mupMultiplier(p, config.mupBaseWidth);
      byMultiplier.set(multiplier, [...(byMultiplier.get(multiplier) ?? []), p]);
    }
    this.groups = [...byMultiplier].map(([multiplier, group]) => ({
      multiplier,
      optimizer: new AdamW(group, {
        beta1: config.beta1,
        beta2: config.beta2,
        eps: config.adamEps,
        weightDecay: config.weightDecay,
      }),
    }));
  }

  update(lr: number): void {
    for (const { multiplier, optimizer } of this.groups) optimizer.update(lr * multiplier);
  }
}
