import { parseArgs } from 'node:util';
import { type TrainConfigInput, type TrainEvent, train } from '@unmask/train';
import { type Command, UsageError } from '../command';
import { printJson, status } from '../output';
import { ProgressBar } from '../progress';
import { jsonOption, runDlcmTraining } from '../train-dlcm';
import { trainingBackend } from '../training-backend';

const help = `Usage: unmask train --data FILE --out DIR [--config JSON] [--resume] [--json]
       unmask train --arch dlcm --model-config JSON --data FILE --out DIR [--config JSON] [--json]

Trains a LLaDA-architecture masked diffusion LM on a text file with the LLaDA pretraining objective:
learns a byte-level BPE tokenizer on the training text, holds out the corpus tail for validation,
and writes an official LLaDA Hugging Face folder (config.json, model.safetensors, tokenizer.json,
tokenizer_config.json) plus the training state, so --resume continues the same run.

Options:
  --data FILE        UTF-8 training text
  --out DIR          output folder (model, tokenizer, checkpoint)
  --config JSON      settings as JSON, or @file.json: steps, batchSize, microBatchSize, seqLen, peakLr,
                     warmupSteps, weightDecay, clipNorm, seed, evalEvery, checkpointEvery,
                     model: {hiddenSize, numLayers, numHeads, numKvHeads, intermediateSize, vocabSize}
  --resume           continue the run checkpointed in --out
  --stop-after N     checkpoint and stop after step N (the schedule is unchanged; resume later)
  --backend NAME     ort (default) or cpu
  --json             the last line of stdout is {"step", "losses", "validation"}
  --arch dlcm        train a DLCM (packages/dlcm) with next-token CE + the Global Parser loss instead
  --model-config J   the DLCM's config.json (JSON or @file.json; vocab_size is the BPE target size);
                     "token_only": true (no concept fields) trains the token-level baseline with
                     next-token CE alone. --config then takes DLCM settings (steps, seqLen,
                     batchSize, peakLr, auxWeight, temperature, mupBaseWidth, ...; see
                     packages/dlcm/README.md). No --resume yet.

Examples:
  unmask train --data tinyshakespeare.txt --out models/shakespeare
  unmask train --data corpus.txt --out run1 --config '{"steps": 500, "model": {"hiddenSize": 128}}'
  unmask train --data corpus.txt --out run1 --resume
  unmask train --arch dlcm --model-config @dlcm-config.json --data corpus.txt --out dlcm1 --config '{"steps": 300}'`;

function parseConfig(text: string | undefined): TrainConfigInput | undefined {
  return text === undefined ? undefined : (jsonOption('config', text) as TrainConfigInput);
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a LLaDA-architecture diffusion LM on a text file',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        out: { type: 'string' },
        config: { type: 'string' },
        resume: { type: 'boolean', default: false },
        'stop-after': { type: 'string' },
        backend: { type: 'string' },
        json: { type: 'boolean', default: false },
        arch: { type: 'string' },
        'model-config': { type: 'string' },
      },
    });
    if (!values.data) throw new UsageError('--data FILE is required');
    if (!values.out) throw new UsageError('--out DIR is required');
    if (values.arch !== undefined && values.arch !== 'dlcm' && values.arch !== 'llada') {
      throw new UsageError(`--arch must be llada (the default) or dlcm, got '${values.arch}'`);
    }
    if (values.arch === 'dlcm') {
      if (!values['model-config']) throw new UsageError('--arch dlcm needs --model-config JSON');
      if (values.resume || values['stop-after'] !== undefined) {
        throw new UsageError('--resume and --stop-after are not supported with --arch dlcm yet');
      }
      await runDlcmTraining({
        data: values.data,
        out: values.out,
        modelConfig: values['model-config'],
        config: values.config,
        backend: trainingBackend(values.backend),
        json: values.json,
      });
      return;
    }
    if (values['model-config'] !== undefined) throw new UsageError('--model-config goes with --arch dlcm');
    const stopAfter = values['stop-after'] === undefined ? undefined : Number(values['stop-after']);
    if (stopAfter !== undefined && !(Number.isInteger(stopAfter) && stopAfter > 0)) {
      throw new UsageError(`--stop-after must be a positive integer, got '${values['stop-after']}'`);
    }
    const config = parseConfig(values.config);
    const bar = new ProgressBar('training');
    const onEvent = (event: TrainEvent) => {
      switch (event.type) {
        case 'start':
          status(
            `${event.resumed ? 'resuming at' : 'starting'} step ${event.step}/${event.totalSteps}: ` +
              `${event.parameters.toLocaleString('en-US')} parameters, ${event.trainTokens} training / ` +
              `${event.validationTokens} validation tokens`,
          );
          break;
        case 'step':
          bar.update(
            event.step,
            event.totalSteps,
            `step ${event.step} loss ${event.loss.toFixed(3)} ${event.tokensPerSecond.toFixed(0)} tok/s ETA ${formatEta(event.etaSeconds)}`,
          );
          break;
        case 'validation':
          bar.finish();
          status(
            `validation at step ${event.step}: objective ${event.loss.toFixed(4)}, masked-token loss ` +
              `${event.maskedTokenLoss.toFixed(4)} nats over ${event.maskedTokens} tokens`,
          );
          break;
        case 'checkpoint':
          status(`checkpoint at step ${event.step} in ${event.dir}`);
          break;
      }
    };
    const result = await train({
      dataFile: values.data,
      outDir: values.out,
      backend: trainingBackend(values.backend),
      resume: values.resume,
      onEvent,
      ...(config ? { config } : {}),
      ...(stopAfter !== undefined ? { stopAfterStep: stopAfter } : {}),
    });
    bar.finish();
    if (values.json) printJson({ step: result.step, losses: result.losses, validation: result.validation });
    else process.stdout.write(`trained to step ${result.step}; model in ${values.out}\n`);
  },
};

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${Math.round(seconds % 60)}s` : `${Math.round(seconds)}s`;
}
