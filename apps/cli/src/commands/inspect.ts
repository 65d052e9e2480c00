import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '@unmask/hub';
import { numel } from '@unmask/tensor';
import { readModelConfig } from '@unmask/transformer';
import { type Command, UsageError } from '../command';
import { resolveModelArg } from '../model-arg';
import { formatTable, printJson } from '../output';

const help = `Usage: unmask inspect M [--json] [--tensors]

Describes a model without loading its weights: family, architecture sizes, parameter count, storage
dtypes and size on disk.

Options:
  --json       print one JSON object as the last line of stdout
  --tensors    also list every tensor with its dtype and shape

Examples:
  unmask inspect ./models/llada-tiny
  unmask inspect GSAI-ML/LLaDA-8B-Instruct --json`;

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'describe a model: family, shapes, parameters, dtypes, size',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, tensors: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1)
      throw new UsageError('expected exactly one model, e.g. unmask inspect ./model');
    const resolved = await resolveModelArg(positionals[0]);
    const { family, config } = readModelConfig(resolved.dir);
    const checkpoint = openCheckpoint(resolved.dir);
    try {
      const tensors = [...checkpoint.tensors.values()];
      const dtypes: Record<string, number> = {};
      let parameters = 0;
      for (const t of tensors) {
        const n = numel(t.shape);
        parameters += n;
        dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + n;
      }
      const bytesOnDisk = checkpoint.files.reduce((sum, file) => sum + statSync(file).size, 0);
      const report = {
        dir: resolved.dir,
        family: family.name,
        config,
        parameters,
        dtypes,
        files: checkpoint.files.length,
        bytesOnDisk,
        ...(values.tensors
          ? { tensors: tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })) }
          : {}),
      };
      if (values.json) {
        printJson(report);
        return;
      }
      const lines = [
        `model       ${resolved.dir}`,
        `family      ${family.name}`,
        `layers      ${config.numLayers}, width ${config.hiddenSize}, FFN ${config.intermediateSize}`,
        `attention   ${config.numHeads} heads / ${config.numKvHeads} KV heads x ${config.headDim}, RoPE theta ${config.ropeTheta}`,
        `vocabulary  ${config.vocabSize}, mask token ${config.maskTokenId ?? 'none'}, EOS ${config.eosTokenId ?? 'none'}`,
        `parameters  ${parameters.toLocaleString('en-US')}`,
        `dtypes      ${Object.entries(dtypes)
          .map(([d, n]) => `${d} (${n.toLocaleString('en-US')})`)
          .join(', ')}`,
        `on disk     ${(bytesOnDisk / 2 ** 20).toFixed(1)} MiB in ${checkpoint.files.length} file(s)`,
      ];
      if (values.tensors) {
        lines.push(
          '',
          formatTable(
            ['tensor', 'dtype', 'shape'],
            tensors.map((t) => [t.name, t.dtype, t.shape.join('x')]),
          ),
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      checkpoint.close();
    }
  },
};
