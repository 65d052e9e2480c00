import { createPolicy } from '@unmask/cache';
import { sample } from '@unmask/diffusion';
import { DlcmModel, dlcmFlopsPerToken, sampleDlcm } from '@unmask/dlcm';
import type { LoadedModel } from '@unmask/transformer';
import type { GenerationJob, WorkerDone, WorkerStep } from '../worker-protocol';

export type StepMessage = Omit<WorkerStep, 'type' | 'id'>;
export type DoneMessage = Omit<WorkerDone, 'type' | 'id' | 'seconds'>;

/**
 * A job's generation as the steps the inference thread posts. A diffusion LM commits tokens
 * wherever its sampler does; a next-token model (a DLCM) commits one token per step, in order, and
 * may stop early at EOS. Options are checked at the first `next()`.
 */
export function workerSteps(loaded: LoadedModel, job: GenerationJob): Generator<StepMessage, DoneMessage> {
  if (loaded.kind === 'diffusion') return diffusionSteps(loaded.model, job);
  if (!(loaded.model instanceof DlcmModel))
    throw new TypeError(`the server cannot generate with ${loaded.loader.name} models`);
  return dlcmSteps(loaded.model, job);
}

function* diffusionSteps(
  model: Extract<LoadedModel, { kind: 'diffusion' }>['model'],
  { prompt, options, policy }: GenerationJob,
): Generator<StepMessage, DoneMessage> {
  const steps = sample(model, prompt, { ...options, policy: createPolicy(policy.name, policy.options) });
  for (;;) {
    const next = steps.next();
    if (next.done) {
      const { response, steps: stepCount, flops } = next.value;
      return { response: Array.from(response), steps: stepCount, flops };
    }
    const { step, block, committed, flops } = next.value;
    yield { step, block, committed, flops };
  }
}

/**
 * Estimated forward FLOPs of a DLCM over its first `tokens` tokens, `concepts` of them begun:
 * `dlcmFlopsPerToken` at that length and the realised tokens per concept, times the tokens.
 */
function dlcmFlops(model: DlcmModel, tokens: number, concepts: number): number {
  const perToken = dlcmFlopsPerToken(model.config, {
    tokensPerConcept: tokens / Math.max(1, concepts),
    sequenceLength: tokens,
  });
  return perToken.total * tokens;
}

/**
 * A DLCM's generation, one token per step. Each step reports the growth of the FLOPs estimate
 * (`dlcmFlops` of everything fed so far; the first step includes the prompt's prefill), so that the
 * steps add up to the done message's total.
 */
function* dlcmSteps(
  model: DlcmModel,
  { prompt, options }: GenerationJob,
): Generator<StepMessage, DoneMessage> {
  const tokens = sampleDlcm(model, prompt, {
    maxNewTokens: options.genLength,
    temperature: options.temperature ?? 0,
    seed: options.seed ?? 0,
    ...(options.topK === undefined ? {} : { topK: options.topK }),
    ...(options.topP === undefined ? {} : { topP: options.topP }),
  });
  let step = 0;
  let counted = 0;
  for (;;) {
    const next = tokens.next();
    if (next.done) {
      const { ids, session } = next.value;
      return { response: ids, steps: step, flops: dlcmFlops(model, session.length, session.conceptCount) };
    }
    const { position, id, conceptCount } = next.value;
    const flops = dlcmFlops(model, position + 1, conceptCount);
    yield { step: step++, block: 0, committed: [[position, id]], flops: flops - counted };
    counted = flops;
  }
}
