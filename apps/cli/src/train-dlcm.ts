import { readFileSync } from 'node:fs';
import { parseDlcmConfig } from '@unmask/dlcm';
import { type DlcmTrainConfig, type DlcmTrainEvent, trainDlcm } from '@unmask/dlcm/train';
import type { Backend } from '@unmask/tensor';
import { UsageError } from './command';
import { printJson, status } from './output';
import { ProgressBar } from './progress';

/** A JSON option given inline or as @file.json. */
export function jsonOption(name: string, text: string): unknown {
  const json = text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new UsageError(`--${name} is not valid JSON: ${(error as Error).message}`);
  }
}

export interface DlcmTrainArgs {
  data: string;
  out: string;
  modelConfig: string;
  config: string | undefined;
  backend: Backend;
  json: boolean;
}

/**
 * `unmask train --arch dlcm`: trainDlcm on a text file, with progress on stderr. A token-only
 * --model-config trains the token-level baseline; its --json tokensPerConcept entries are null.
 */
export async function runDlcmTraining(args: DlcmTrainArgs): Promise<void> {
  const model = parseDlcmConfig(jsonOption('model-config', args.modelConfig), '--model-config');
  const config =
    args.config === undefined ? {} : (jsonOption('config', args.config) as Partial<DlcmTrainConfig>);
  const bar = new ProgressBar('training');
  // A token-only model has no concepts (its tokens per concept are NaN): nothing to print.
  const perConcept = (tokensPerConcept: number) =>
    model.conceptPath ? ` tokens/concept ${tokensPerConcept.toFixed(2)}` : '';
  const onEvent = (event: DlcmTrainEvent) => {
    switch (event.type) {
      case 'start':
        status(
          `starting ${model.conceptPath ? 'DLCM' : 'token-only DLCM'} training: ${event.parameters.toLocaleString('en-US')} parameters, ` +
            `${event.trainTokens} training / ${event.validationTokens} validation tokens, ${event.totalSteps} steps`,
        );
        break;
      case 'step':
        bar.update(
          event.step,
          event.totalSteps,
          `step ${event.step} CE ${event.crossEntropy.toFixed(3)}${perConcept(event.tokensPerConcept)}`,
        );
        break;
      case 'validation':
        bar.finish();
        status(
          `validation at step ${event.step}: ${event.bitsPerToken.toFixed(4)} bits per token` +
            (model.conceptPath
              ? `, ${event.tokensPerConcept.toFixed(2)} tokens per concept (inference rule)`
              : ''),
        );
        break;
      case 'checkpoint':
        status(`checkpoint at step ${event.step} in ${event.dir}`);
        break;
    }
  };
  const result = await trainDlcm({
    dataFile: args.data,
    outDir: args.out,
    model,
    config,
    backend: args.backend,
    onEvent,
  });
  bar.finish();
  if (args.json) {
    printJson({
      step: result.steps.length,
      crossEntropy: result.steps.map((s) => s.crossEntropy),
      tokensPerConcept: result.steps.map((s) => s.tokensPerConcept),
      validation: result.validation,
    });
  } else process.stdout.write(`trained a DLCM for ${result.steps.length} steps; model in ${args.out}\n`);
}
