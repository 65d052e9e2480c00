import { f32Data, getBackend, i32, type Tensor } from '@unmask/tensor';
import { type DiffusionLM, loadModel } from '@unmask/transformer';
import { expect, it } from 'vitest';
import {
  type CachePolicy,
  type CacheRequest,
  createPolicy,
  FlopMeter,
  flatHeads,
  headLogits,
  type RowRange,
  registerPolicy,
  rowTensor,
  type StepContext,
  sliceIds,
  span,
  splitHeads,
} from '../src';
import { canvases, fixtureDir, lladaCases } from './fixtures';

// The example of the package README, verbatim.
/** Computes the prompt's K/V once per request; later steps recompute only the response rows. */
class PromptKvCache implements CachePolicy {
  readonly name = 'prompt-kv';
  readonly guidance = 'batched';
  readonly flops = new FlopMeter();
  private promptLength = 0;
  private kv: { k: Tensor; v: Tensor }[] = [];

  reset(request: CacheRequest): void {
    this.promptLength = request.promptLength;
    this.kv = [];
    this.flops.reset();
  }

  logits(model: DiffusionLM, ids: Tensor, step: StepContext, rows?: RowRange): Tensor {
    const counted = this.flops.model(model, step.step); // what it runs is charged to this step
    const seq = ids.dims[1]!;
    const first = this.kv.length === 0;
    const start = first ? 0 : this.promptLength;
    const positions = rowTensor(span(start, seq)); // a row's index is its position
    const heads = model.config.numKvHeads;
    let x = counted.embed(sliceIds(ids, start, seq));
    counted.blocks.forEach((block, i) => {
      const { q, k, v } = block.project(block.attnNorm(x), positions);
      if (first) this.kv[i] = { k: flatHeads(k), v: flatHeads(v) };
      const keys = counted.backend.scatterRows(this.kv[i]!.k, positions, flatHeads(k));
      const values = counted.backend.scatterRows(this.kv[i]!.v, positions, flatHeads(v));
      const attended = counted.backend.add(
        x,
        block.attend(q, splitHeads(keys, heads), splitHeads(values, heads)),
      );
      x = counted.backend.add(attended, block.mlp(attended));
    });
    return headLogits(counted, x, rows ?? { start, end: seq }, start);
  }
}

registerPolicy('prompt-kv', () => new PromptKvCache());

it('a policy written outside the package plugs in by name, counts its FLOPs and computes the first step exactly', () => {
  const model = loadModel(fixtureDir('llada-tiny-1'), { backend: getBackend('cpu') });
  const c = lladaCases('llada-tiny-1')[0]!;
  const policy = createPolicy('prompt-kv');
  const none = createPolicy('none');
  const request = { promptLength: c.prompt.length, totalLength: c.prompt.length + c.params.gen_length };
  policy.reset(request);
  none.reset(request);
  canvases(c).forEach((canvas, i) => {
    const ids = i32([1, canvas.ids.length], canvas.ids);
    const rows = { start: canvas.blockStart, end: canvas.blockEnd };
    const logits = f32Data(policy.logits(model, ids, canvas, rows));
    const reference = f32Data(none.logits(model, ids, canvas, rows));
    if (i === 0) expect(logits).toEqual(reference);
    else expect(logits.every(Number.isFinite)).toBe(true);
  });
  expect(policy.flops.perStep.length).toBe(c.steps.length);
  expect(policy.flops.total).toBeLessThan(none.flops.total);
});
