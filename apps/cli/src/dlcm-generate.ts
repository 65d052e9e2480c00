import { type DlcmModel, type GenerateDlcmOptions, generateDlcm } from '@unmask/dlcm';
import type { Tokenizer } from '@unmask/tokenizer';
import { printJson, status } from './output';
import { ProgressBar } from './progress';

/**
 * `unmask generate` on a DLCM: next-token generation from the prompt. With --json the last line is
 * {"ids","text","tokens","concepts","ms"}: concepts counts the segments of prompt and response.
 */
export function generateWithDlcm(
  model: DlcmModel,
  prompt: number[],
  options: GenerateDlcmOptions,
  tokenizer: Tokenizer | undefined,
  json: boolean,
): void {
  const bar = new ProgressBar('generating');
  const started = performance.now();
  const result = generateDlcm(model, prompt, {
    ...options,
    onToken: (event) =>
      bar.update(event.position - prompt.length + 1, options.maxNewTokens, `${event.conceptCount} concepts`),
  });
  const ms = performance.now() - started;
  bar.finish();
  const { ids, session, stopReason } = result;
  const text = tokenizer?.decode(ids, { skipSpecialTokens: true });
  const tokensPerSecond = ids.length / (ms / 1000);
  status(
    `${ids.length} tokens in ${(ms / 1000).toFixed(2)} s (${tokensPerSecond.toFixed(1)} tokens/s), ` +
      `${session.conceptCount} concepts, stopped at ${stopReason}`,
  );
  if (json) {
    printJson({
      ids,
      ...(text === undefined ? {} : { text }),
      tokens: ids.length,
      concepts: session.conceptCount,
      ms,
    });
    return;
  }
  process.stdout.write(`${text ?? ids.join(',')}\n`);
}
