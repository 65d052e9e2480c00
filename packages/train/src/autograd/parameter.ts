import type { Tensor } from '@unmask/tensor';
import { Variable } from './variable';

/** What a parameter is for; the optimizer's default weight-decay rule reads it. */
export type ParameterKind = 'linear' | 'norm' | 'embedding';

/**
 * A trainable leaf: its value is updated in place by the optimizer, so a backend must read weights
 * afresh at every call (see `assertReadsWeightsLive`).
 */
export class Parameter extends Variable {
  constructor(
    readonly name: string,
    value: Tensor,
    readonly kind: ParameterKind,
  ) {
    super(value, true);
  }

  get data(): Float32Array {
    return this.value.data as Float32Array;
  }
}
