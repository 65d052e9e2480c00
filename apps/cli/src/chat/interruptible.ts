import { setImmediate as eventLoopTurn } from 'node:timers/promises';
import { type GenerateOptions, type GenerationResult, type StepEvent, sample } from '@unmask/diffusion';
import {
  type DlcmGenerationResult,
  type DlcmModel,
  type DlcmTokenEvent,
  type GenerateDlcmOptions,
  sampleDlcm,
} from '@unmask/dlcm';
import type { DiffusionLM } from '@unmask/transformer';

/**
 * Runs a generation step by step and lets the event loop turn between steps, so keys and signals
 * are handled while it runs. Resolves to undefined when `signal` aborts it (after the step in progress).
 */
export function generateInterruptibly(
  model: DiffusionLM,
  prompt: readonly number[],
  options: GenerateOptions,
  signal: AbortSignal,
  onStep: (event: StepEvent) => void,
): Promise<GenerationResult | undefined> {
  return runInterruptibly(sample(model, prompt, options), signal, onStep);
}

/** A DLCM's next-token generation, interruptible between tokens as `generateInterruptibly`. */
export function generateDlcmInterruptibly(
  model: DlcmModel,
  prompt: readonly number[],
  options: GenerateDlcmOptions,
  signal: AbortSignal,
  onToken: (event: DlcmTokenEvent) => void,
): Promise<DlcmGenerationResult | undefined> {
  return runInterruptibly(sampleDlcm(model, prompt, options), signal, onToken);
}

async function runInterruptibly<Event, Result>(
  steps: Generator<Event, Result>,
  signal: AbortSignal,
  onStep: (event: Event) => void,
): Promise<Result | undefined> {
  for (;;) {
    if (signal.aborted) return undefined;
    const next = steps.next();
    if (next.done) return next.value;
    onStep(next.value);
    await eventLoopTurn();
  }
}
