import type { ServerResponse } from 'node:http';
import { ApiError, GenerationCancelledError } from '../api-error';
import type { ServerContext } from '../context';
import { CommittedText } from '../generation/committed-text';
import type { GenerationPlan } from '../generation/generation-plan';
import type { ResponseShape, UnmaskSummary, Usage } from '../generation/response-shapes';
import { sendJson } from '../http/respond';
import { EventStream } from '../http/sse';
import { toApiError } from '../to-api-error';
import type { WorkerDone, WorkerStep } from '../worker-protocol';

export interface StreamSettings {
  stream?: boolean | null | undefined;
  stop?: string | string[] | null | undefined;
  stream_options?: { include_usage?: boolean | undefined } | null | undefined;
}

/** The `unmask.step` event: what one denoising step committed, response-relative, with each token's text. */
function stepEvent(ctx: ServerContext, plan: GenerationPlan, step: WorkerStep) {
  const { tokenizer } = ctx.model;
  const promptLength = plan.job.prompt.length;
  return {
    step: step.step,
    block: step.block,
    length: plan.genLength,
    committed: step.committed.map(([position, id]) => ({
      index: position - promptLength,
      id,
      text: tokenizer.decode([id]),
      special: tokenizer.isSpecialId(id),
    })),
  };
}

/**
 * Runs a planned generation through the queue and answers with OpenAI's object, or streams its
 * chunks: the committed prefix's new text per step, then the finish chunk, the usage chunk when
 * asked, and `[DONE]`. Headers go out with the first step, so a refused request still gets a 4xx.
 */
export async function serveGeneration(
  ctx: ServerContext,
  res: ServerResponse,
  settings: StreamSettings,
  plan: GenerationPlan,
  shape: ResponseShape,
): Promise<void> {
  const stream = settings.stream === true;
  if (settings.stream_options != null && !stream) {
    throw ApiError.invalid('stream_options', "'stream_options' is only allowed with 'stream': true");
  }
  const includeUsage = settings.stream_options?.include_usage === true;
  const text = new CommittedText(
    ctx.model.tokenizer,
    plan.job.prompt.length,
    plan.genLength,
    ctx.model.eosTokenId,
    typeof settings.stop === 'string' ? [settings.stop] : (settings.stop ?? []),
  );
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });

  let events: EventStream | undefined;
  const open = (): EventStream => {
    if (events) return events;
    events = new EventStream(res);
    const opening = shape.opening();
    if (opening) events.data(opening);
    return events;
  };
  const onStep = (step: WorkerStep) => {
    if (!stream) return;
    const out = open();
    if (plan.progress) out.event('unmask.step', stepEvent(ctx, plan, step));
    const delta = text.commit(step.committed);
    if (delta) out.data(shape.text(delta));
  };

  // Throws QueueFullError (429) before anything is sent.
  const pending = ctx.scheduler.submit(plan.job, onStep, abort.signal);
  let done: WorkerDone;
  try {
    done = await pending;
  } catch (error) {
    const cancelled = error instanceof GenerationCancelledError;
    ctx.metrics.generationEnded(plan.policy, cancelled ? 'cancelled' : 'failed');
    if (cancelled) return;
    const apiError = toApiError(error, ctx.log);
    if (!events) throw apiError;
    events.data(apiError.body);
    events.end();
    return;
  }
  ctx.metrics.generationEnded(plan.policy, 'completed');
  ctx.metrics.generationCompleted(plan.policy, plan.genLength, done.steps, done.seconds);

  const tail = text.complete(done.response);
  const promptTokens = plan.job.prompt.length;
  const usage: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: text.tokenCount,
    total_tokens: promptTokens + text.tokenCount,
  };
  const summary: UnmaskSummary = {
    policy: plan.policy,
    steps: done.steps,
    flops: done.flops,
    gen_length: plan.genLength,
    seconds: done.seconds,
  };
  if (!stream) {
    sendJson(res, 200, shape.full(text.text, text.finishReason, usage, summary));
    return;
  }
  const out = open();
  if (tail) out.data(shape.text(tail));
  out.data(shape.finish(text.finishReason));
  if (includeUsage) out.data(shape.usage(usage));
  if (plan.progress) out.event('unmask.done', summary);
  out.done();
}
