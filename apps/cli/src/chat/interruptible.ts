import { setImmediate as eventLoopTurn } from 'node:timers/promises';
import { type GenerateOptions, type GenerationResult, type StepEvent, sample } from '@unmask/diffusion';
import type { DiffusionLM } from '@unmask/transformer';

/**
 * Runs a generation step by step and lets the event loop turn between steps, so keys and signals
 * are handled while it runs. Resolves to undefined when `signal` aborts it (after the step in progress).
 */
export async function generateInterruptibly(
  model: DiffusionLM,
  prompt: readonly number[],
  options: GenerateOptions,
  signal: AbortSignal,
  onStep: (event: StepEvent) => void,
): Promise<GenerationResult | undefined> {
  const steps = sample(model, prompt, options);
  for (;;) {
    if (signal.aborted) return undefined;
    const next = steps.next();
    if (next.done) return next.value;
    onStep(next.value);
    await eventLoopTurn();
  }
}
