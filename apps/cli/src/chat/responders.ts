import type { GenerateOptions } from '@unmask/diffusion';
import type { DlcmModel, GenerateDlcmOptions } from '@unmask/dlcm';
import type { Tokenizer } from '@unmask/tokenizer';
import type { DiffusionLM } from '@unmask/transformer';
import { ProgressBar } from '../progress';
import { CanvasView } from '../visual';
import { generateDlcmInterruptibly, generateInterruptibly } from './interruptible';

/** Generates the response ids to a prompt; undefined when `signal` stopped it. */
export type Responder = (prompt: number[], signal: AbortSignal) => Promise<ArrayLike<number> | undefined>;

/** A diffusion LM's sampler, with a progress bar per step or, with `visual`, the canvas unmasking. */
export function diffusionResponder(
  model: DiffusionLM,
  options: GenerateOptions,
  tokenizer: Tokenizer,
  visual: boolean,
): Responder {
  return async (prompt, signal) => {
    const maskId = options.maskTokenId ?? model.config.maskTokenId ?? -1;
    const view = visual ? CanvasView.forTokenizer(prompt.length, maskId, tokenizer) : undefined;
    const bar = visual ? undefined : new ProgressBar('denoising');
    const totalSteps = options.steps ?? options.genLength;
    const result = await generateInterruptibly(model, prompt, options, signal, (event) => {
      view?.draw(event.canvas, event.step);
      bar?.update(event.step + 1, totalSteps, `step ${event.step + 1}`);
    });
    view?.clear(); // the reply follows
    bar?.finish();
    return result?.response;
  };
}

/** A DLCM's next-token generation, with a progress bar per token. */
export function dlcmResponder(model: DlcmModel, options: GenerateDlcmOptions): Responder {
  return async (prompt, signal) => {
    const bar = new ProgressBar('generating');
    const result = await generateDlcmInterruptibly(model, prompt, options, signal, (event) =>
      bar.update(event.position - prompt.length + 1, options.maxNewTokens, `token ${event.id}`),
    );
    bar.finish();
    return result?.ids;
  };
}
