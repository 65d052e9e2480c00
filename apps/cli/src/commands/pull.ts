import { parseArgs } from 'node:util';
import { type Command, UsageError } from '../command';
import { resolveModelArg } from '../model-arg';
import { printJson, status } from '../output';

const help = `Usage: unmask pull org/name[@revision] [--json]

Downloads a model (config, tokenizer files and safetensors weights, single or sharded) into the
Hugging Face cache ($HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub), where Python
tools find it too. Interrupted downloads resume; large files are checked against their sha256.
A model already complete in the cache is not fetched again. Honours $HF_ENDPOINT, $HF_TOKEN and
$HF_HUB_OFFLINE.

Examples:
  unmask pull GSAI-ML/LLaDA-8B-Instruct
  unmask pull Dream-org/Dream-v0-Instruct-7B@main --json`;

export const pullCommand: Command = {
  name: 'pull',
  summary: 'download a model into the Hugging Face cache',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) throw new UsageError('expected one model id, e.g. unmask pull org/name');
    const id = positionals[0]!.replace(/^hf:/, '');
    const resolved = await resolveModelArg(`hf:${id}`);
    if (resolved.source === 'cache') status(`${id} is already in the cache`);
    if (values.json) printJson(resolved);
    else process.stdout.write(`${resolved.dir}\n`);
  },
};
