import type { CachePolicy, RowRange, StepContext } from '@unmask/cache';
import { f32Data, i32 } from '@unmask/tensor';
import type { DiffusionLM } from '@unmask/transformer';

export interface PredictRequest {
  model: DiffusionLM;
  policy: CachePolicy;
  canvas: Int32Array;
  promptLength: number;
  maskId: number;
  /** Classifier-free guidance scale; 0 = none. */
  cfgScale: number;
  step: StepContext;
  /** Canvas positions to predict. */
  positions: RowRange;
}

/**
 * Logits [positions, V] predicting each canvas position in `positions`: row i of the model for
 * LLaDA, row i - 1 for families with shifted logits (Dream). With `cfgScale > 0` the unconditional
 * canvas has the prompt masked, and the logits are combined in float32 as the official sampler of
 * the policy's guidance mode does: one batched forward and u + (s + 1)(l - u) (LLaDA generate.py),
 * or two forwards, conditional first, and (l - r) + (s + 1) r with r = l - u (dLLM-Cache).
 */
export function predict(request: PredictRequest): Float32Array {
  const { model, policy, canvas, step, cfgScale } = request;
  const shift = model.family.shiftedLogits ? 1 : 0;
  const rows = { start: request.positions.start - shift, end: request.positions.end - shift };
  const seq = canvas.length;
  if (cfgScale === 0) return f32Data(policy.logits(model, i32([1, seq], canvas), step, rows));

  const uncond = canvas.slice();
  uncond.fill(request.maskId, 0, request.promptLength);
  const scale = Math.fround(cfgScale + 1);
  if (policy.guidance === 'batched') {
    const both = new Int32Array(2 * seq);
    both.set(canvas);
    both.set(uncond, seq);
    const out = f32Data(policy.logits(model, i32([2, seq], both), step, rows));
    const half = out.length / 2;
    const combined = new Float32Array(half);
    for (let i = 0; i < half; i++) {
      const u = out[half + i]!;
      combined[i] = u + Math.fround(scale * Math.fround(out[i]! - u));
    }
    return combined;
  }
  const cond = f32Data(policy.logits(model, i32([1, seq], canvas), { ...step, stream: 'cond' }, rows));
  const un = f32Data(policy.logits(model, i32([1, seq], uncond), { ...step, stream: 'uncond' }, rows));
  const combined = new Float32Array(cond.length);
  for (let i = 0; i < cond.length; i++) {
    const residual = Math.fround(cond[i]! - un[i]!);
    combined[i] = Math.fround(cond[i]! - residual) + Math.fround(scale * residual);
  }
  return combined;
}
