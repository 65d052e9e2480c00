import { parseArgs } from 'node:util';
import { createPolicy } from '@unmask/cache';
import { type GenerateOptions, generate, type StepEvent } from '@unmask/diffusion';
import { loadTokenizer, type Tokenizer } from '@unmask/tokenizer';
import type { DiffusionLM } from '@unmask/transformer';
import { type Command, UsageError } from '../command';
import { generateWithDlcm } from '../dlcm-generate';
import { dlcmOf, loadAnyModelFrom, resolveModelArg } from '../model-arg';
import { nextTokenOptions } from '../next-token-options';
import { printJson, status } from '../output';
import { ProgressBar } from '../progress';
import { int, num, SAMPLER_FLAGS, SAMPLER_FLAGS_HELP, type SamplerValues } from '../sampler-flags';
import { CanvasView } from '../visual';

const help = `Usage: unmask generate [--model M] (--prompt TEXT | --prompt-ids 1,2,3) [options]

Generates a response with the model's diffusion sampler (LLaDA: semi-autoregressive blocks with
low-confidence or random remasking and CFG; Dream: its diffusion_generate algorithms), through a
cache policy. A DLCM is a next-token model: it generates token by token (greedy at temperature 0,
else a seeded draw after top-k and top-p) until EOS or --gen-length tokens, and takes only
--gen-length, --temperature, --top-k, --top-p and --seed of the sampler flags.

Options:
  --model M                 a model folder, org/name in the Hugging Face cache, or hf:org/name
                            (default: the model this repository ships, models/llada-shakespeare)
  --prompt TEXT             prompt text (needs the model's tokenizer)
  --prompt-ids LIST         prompt token ids, comma-separated
  --chat                    wrap the prompt in the model's chat template as a user message
  --gen-length N            response length in tokens (Dream's max_new_tokens; a DLCM's most new
                            tokens; default 64)
  --block-length N          LLaDA block length (default: 32, or the response length if smaller)
  --steps N                 denoising steps (default: the response length)
${SAMPLER_FLAGS_HELP}
  --seed N                  random seed (default 0)
  --backend NAME            cpu or ort (default: the best available)
  --json                    the last line of stdout is {"ids","text","steps","flops","ms"}; for a
                            DLCM {"ids","text","tokens","concepts","ms"} (concepts: the segments of
                            prompt and response)
  --visual                  show the canvas unmasking in the terminal

Examples:
  unmask generate --model ./my-llada --prompt "ROMEO:" --gen-length 64 --steps 64
  unmask generate --model GSAI-ML/LLaDA-8B-Instruct --prompt "Hi" --chat --policy dllm-cache --kp 100 --kr 8 --rho 0.25
  unmask generate --model ./my-dlcm --prompt "ROMEO:" --temperature 0.8 --top-p 0.95 --seed 1 --json`;

async function promptIds(
  values: { prompt?: string; 'prompt-ids'?: string; chat?: boolean },
  tokenizer: Tokenizer | undefined,
): Promise<number[]> {
  if ((values.prompt === undefined) === (values['prompt-ids'] === undefined)) {
    throw new UsageError('give exactly one of --prompt TEXT or --prompt-ids 1,2,3');
  }
  if (values['prompt-ids'] !== undefined) {
    if (values.chat) throw new UsageError('--chat needs --prompt TEXT');
    return values['prompt-ids'].split(',').map((part) => int('prompt-ids', part.trim())!);
  }
  if (!tokenizer) throw new UsageError('this model has no tokenizer files; use --prompt-ids');
  if (!values.chat) return tokenizer.encode(values.prompt!);
  const text = tokenizer.applyChatTemplate([{ role: 'user', content: values.prompt! }], {
    addGenerationPrompt: true,
  });
  return tokenizer.encode(text, { addSpecialTokens: false });
}

async function tryLoadTokenizer(dir: string): Promise<Tokenizer | undefined> {
  try {
    return await loadTokenizer(dir);
  } catch {
    return undefined;
  }
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate text with a diffusion LM (or a DLCM, token by token)',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...SAMPLER_FLAGS,
        prompt: { type: 'string' },
        'prompt-ids': { type: 'string' },
        chat: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    const resolved = await resolveModelArg(values.model);
    const tokenizer = await tryLoadTokenizer(resolved.dir);
    const prompt = await promptIds(values, tokenizer);
    const loaded = loadAnyModelFrom(resolved, values.backend);
    if (loaded.kind === 'next-token') {
      const options = nextTokenOptions(values, loaded.loader.name);
      generateWithDlcm(dlcmOf(loaded), prompt, options, tokenizer, values.json);
      return;
    }
    const model = loaded.model;
    const { options, policyName } = samplerOptions(model, values);

    const maskId = options.maskTokenId ?? model.config.maskTokenId ?? -1;
    const view = values.visual ? CanvasView.forTokenizer(prompt.length, maskId, tokenizer) : undefined;
    const bar = values.visual ? undefined : new ProgressBar('denoising');
    const steps: { step: number; committed: [number, number][] }[] = [];
    const started = performance.now();
    const result = generate(model, prompt, {
      ...options,
      onStep: (event: StepEvent) => {
        steps.push({ step: event.step, committed: event.committed });
        view?.draw(event.canvas, event.step);
        bar?.update(event.step + 1, options.steps ?? options.genLength, `step ${event.step + 1}`);
      },
    });
    const ms = performance.now() - started;
    bar?.finish();
    const ids = Array.from(result.response);
    const text = tokenizer?.decode(ids, { skipSpecialTokens: true });
    status(
      `${result.steps} steps in ${(ms / 1000).toFixed(2)} s, ${(result.flops / 1e9).toFixed(2)} GFLOP (policy ${policyName})`,
    );
    if (values.json) {
      printJson({ ids, ...(text === undefined ? {} : { text }), steps, flops: result.flops, ms });
      return;
    }
    process.stdout.write(`${text ?? ids.join(',')}\n`);
  },
};

/** Sampler options for the model's family; options of the other family are refused by name. */
export function samplerOptions(
  model: DiffusionLM,
  values: SamplerValues,
): { options: GenerateOptions; policyName: string } {
  const s = (name: string) => values[name] as string | undefined;
  const genLength = int('gen-length', s('gen-length')) ?? 64;
  const policyName = s('policy') ?? 'none';
  const cacheOptions = {
    ...(s('kp') !== undefined ? { promptInterval: int('kp', s('kp')) } : {}),
    ...(s('kr') !== undefined ? { responseInterval: int('kr', s('kr')) } : {}),
    ...(s('rho') !== undefined ? { transferRatio: num('rho', s('rho')) } : {}),
  };
  if (policyName !== 'dllm-cache' && Object.keys(cacheOptions).length > 0) {
    throw new UsageError('--kp, --kr and --rho belong to --policy dllm-cache');
  }
  const common = {
    genLength,
    steps: int('steps', s('steps')) ?? genLength,
    policy: createPolicy(policyName, cacheOptions),
    seed: int('seed', s('seed')) ?? 0,
    temperature: num('temperature', s('temperature')) ?? 0,
    ...(s('threshold') !== undefined ? { threshold: num('threshold', s('threshold')) } : {}),
  };
  const llada = ['block-length', 'remasking', 'cfg-scale'];
  const dream = ['alg', 'top-k', 'top-p'];
  const foreign = model.family.name === 'llada' ? dream : llada;
  const given = foreign.find((name) => s(name) !== undefined);
  if (given) throw new UsageError(`--${given} does not apply to ${model.family.name} models`);
  if (model.family.name === 'llada') {
    const remasking = s('remasking') ?? 'low_confidence';
    if (remasking !== 'low_confidence' && remasking !== 'random') {
      throw new UsageError(`--remasking must be low_confidence or random, got '${remasking}'`);
    }
    const options: GenerateOptions = {
      ...common,
      blockLength: int('block-length', s('block-length')) ?? Math.min(32, genLength),
      remasking,
      cfgScale: num('cfg-scale', s('cfg-scale')) ?? 0,
    };
    return { options, policyName };
  }
  const alg = s('alg') as GenerateOptions['alg'];
  const topK = int('top-k', s('top-k'));
  const topP = num('top-p', s('top-p'));
  const options: GenerateOptions = {
    ...common,
    ...(alg ? { alg } : {}),
    ...(topK !== undefined ? { topK } : {}),
    ...(topP !== undefined ? { topP } : {}),
  };
  return { options, policyName };
}
