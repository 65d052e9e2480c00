import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dlcmLoader, NoConceptPathError, readDlcmConfig } from '@unmask/dlcm';
import type { ResolvedModel } from '@unmask/hub';
import { openCheckpoint } from '@unmask/hub';
import { numel } from '@unmask/tensor';
import { loadTokenizer } from '@unmask/tokenizer';
import { readModelConfig, readModelKind } from '@unmask/transformer';
import { type Command, UsageError } from '../command';
import { printConcepts, textConcepts } from '../concept-segments';
import { dlcmOf, loadAnyModelFrom, resolveModelArg } from '../model-arg';
import { formatTable, printJson } from '../output';

const help = `Usage: unmask inspect M [--json] [--tensors] [--segments TEXT [--backend NAME]]

Describes a model without loading its weights: family (or kind, e.g. dlcm), architecture sizes,
parameter count, storage dtypes and size on disk.

For a DLCM, --segments TEXT loads the model and prints the concepts it cuts TEXT into (tokenized
by the model's tokenizer without special tokens): the text with | between concepts, then each
concept's tokens, the boundary probability p_t of its first token and its text. A token-only DLCM
("token_only": true) has no concepts: --segments fails with exit code 1.

Options:
  --json            print one JSON object as the last line of stdout; with --segments
                    {"ids","segments":[{"start","end","text","probability"}]} (end exclusive)
  --tensors         also list every tensor with its dtype and shape
  --segments TEXT   DLCM: the concept boundaries of TEXT
  --backend NAME    with --segments: cpu or ort (default: the best available)

Examples:
  unmask inspect ./models/llada-tiny
  unmask inspect GSAI-ML/LLaDA-8B-Instruct --json
  unmask inspect ./my-dlcm --segments "To be, or not to be: that is the question."`;

/** The family (or loader) name, parsed config and summary lines of a model folder. */
function describeModel(dir: string): { name: string; config: unknown; summary: string[] } {
  const kind = readModelKind(dir);
  if (kind.kind === 'next-token') return { name: kind.loader.name, ...kind.loader.describe(dir) };
  const { family, config } = readModelConfig(dir);
  const summary = [
    `layers      ${config.numLayers}, width ${config.hiddenSize}, FFN ${config.intermediateSize}`,
    `attention   ${config.numHeads} heads / ${config.numKvHeads} KV heads x ${config.headDim}, RoPE theta ${config.ropeTheta}`,
    `vocabulary  ${config.vocabSize}, mask token ${config.maskTokenId ?? 'none'}, EOS ${config.eosTokenId ?? 'none'}`,
  ];
  return { name: family.name, config, summary };
}

async function printSegments(
  resolved: ResolvedModel,
  text: string,
  json: boolean,
  backend?: string,
): Promise<void> {
  const kind = readModelKind(resolved.dir);
  if (kind.kind === 'diffusion')
    throw new UsageError('--segments needs a DLCM (a model with concepts); this is a diffusion LM');
  // A token-only DLCM: a NoConceptPathError (one line, exit code 1) before loading any weight.
  if (kind.loader.name === dlcmLoader.name && !readDlcmConfig(resolved.dir).conceptPath)
    throw new NoConceptPathError('concept boundaries for --segments');
  const model = dlcmOf(loadAnyModelFrom(resolved, backend));
  const tokenizer = await loadTokenizer(resolved.dir);
  printConcepts(textConcepts(model, tokenizer, text), json);
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'describe a model: family, shapes, parameters, dtypes, size',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        tensors: { type: 'boolean', default: false },
        segments: { type: 'string' },
        backend: { type: 'string' },
      },
    });
    if (positionals.length !== 1)
      throw new UsageError('expected exactly one model, e.g. unmask inspect ./model');
    const resolved = await resolveModelArg(positionals[0]);
    if (values.segments !== undefined) {
      await printSegments(resolved, values.segments, values.json, values.backend);
      return;
    }
    const { name, config, summary } = describeModel(resolved.dir);
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
        family: name,
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
        `family      ${name}`,
        ...summary,
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
