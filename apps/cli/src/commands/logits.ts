import { parseArgs } from 'node:util';
import { f32Data, i32 } from '@unmask/tensor';
import { type Command, UsageError } from '../command';
import { loadAnyModelFrom, resolveModelArg } from '../model-arg';
import { printJson } from '../output';

const help = `Usage: unmask logits --model M --ids 1,2,3 [--json] [--backend NAME]

Prints the raw model logits for the given token ids (one row per position; Dream's are not shifted,
as the official model returns them; a DLCM's row t predicts token t + 1). A debugging aid for
comparing against research code.

Options:
  --model M        a model folder, org/name in the Hugging Face cache, or hf:org/name to download
  --ids LIST       comma-separated token ids
  --json           the last line of stdout is {"logits": [[...one float per vocabulary entry...], ...]}
  --backend NAME   cpu or ort (default: the best available)

Examples:
  unmask logits --model ./llada-tiny --ids 5,17,310
  unmask logits --model GSAI-ML/LLaDA-8B-Instruct --ids 126080,27 --json | tail -n 1
  unmask logits --model ./my-dlcm --ids 5,17,310`;

function parseIds(text: string | undefined): number[] {
  if (!text) throw new UsageError('--ids is required, e.g. --ids 1,2,3');
  return text.split(',').map((part) => {
    const id = Number(part.trim());
    if (!Number.isInteger(id) || id < 0) throw new UsageError(`--ids: '${part}' is not a token id`);
    return id;
  });
}

export const logitsCommand: Command = {
  name: 'logits',
  summary: 'print raw model logits for token ids',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        ids: { type: 'string' },
        json: { type: 'boolean', default: false },
        backend: { type: 'string' },
      },
    });
    const ids = parseIds(values.ids);
    const loaded = loadAnyModelFrom(await resolveModelArg(values.model), values.backend);
    const vocab = loaded.model.config.vocabSize;
    const outOfRange = ids.find((id) => id >= vocab);
    if (outOfRange !== undefined)
      throw new UsageError(`--ids: ${outOfRange} is outside the vocabulary (0..${vocab - 1})`);
    const input = i32([1, ids.length], ids);
    const logits = loaded.kind === 'diffusion' ? loaded.model.forward(input) : loaded.model.logits(input);
    const width = logits.dims[2]!;
    const data = f32Data(logits);
    const rows = ids.map((_, p) => Array.from(data.subarray(p * width, (p + 1) * width)));
    if (values.json) {
      printJson({ logits: rows });
      return;
    }
    rows.forEach((row, p) => {
      let best = 0;
      for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
      const head = row.slice(0, 8).map((v) => v.toFixed(4));
      process.stdout.write(
        `${p}\tid ${ids[p]}\targmax ${best} (${row[best]!.toFixed(4)})\t[${head.join(', ')}, ...]\n`,
      );
    });
  },
};
