import type { Tensor } from '@unmask/tensor';
import type { DiffusionLM } from '@unmask/transformer';
import { FlopMeter } from '../meter';
import type { CachePolicy, RowRange, StepContext } from '../policy';
import { checkCall, headLogits, rowTensor, span } from '../rows';

/** No cache: every step runs the whole model over every row. The reference the other policies approximate. */
export class NoCache implements CachePolicy {
  readonly name = 'none';
  readonly guidance = 'batched';
  readonly flops = new FlopMeter();

  reset(): void {
    this.flops.reset();
  }

  logits(model: DiffusionLM, ids: Tensor, step: StepContext, rows?: RowRange): Tensor {
    const seq = checkCall(this.name, ids, rows);
    const counted = this.flops.model(model, step.step);
    const positions = rowTensor(span(0, seq));
    let x = counted.embed(ids);
    for (const block of counted.blocks) x = block.forward(x, positions);
    return headLogits(counted, x, rows ?? { start: 0, end: seq });
  }
}
