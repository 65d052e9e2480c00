import type { DiffusionLM } from '@unmask/transformer';
import { countingBackend } from './flops';

/** FLOPs a policy executed: per denoising step (index = step) and in total. */
export interface FlopTally {
  readonly total: number;
  readonly perStep: readonly number[];
}

/** Counts the FLOPs of the model stages a policy runs, charged to the current step. */
export class FlopMeter implements FlopTally {
  total = 0;
  perStep: number[] = [];
  private step = 0;
  private readonly views = new WeakMap<DiffusionLM, DiffusionLM>();

  reset(): void {
    this.total = 0;
    this.perStep = [];
  }

  /** `model` on a counting backend; what it runs from now on is charged to `step`. */
  model(model: DiffusionLM, step: number): DiffusionLM {
    this.step = step;
    while (this.perStep.length <= step) this.perStep.push(0);
    let view = this.views.get(model);
    if (!view) {
      view = model.withBackend(countingBackend(model.backend, (flops) => this.charge(flops)));
      this.views.set(model, view);
    }
    return view;
  }

  private charge(flops: number): void {
    this.total += flops;
    this.perStep[this.step]! += flops;
  }
}
