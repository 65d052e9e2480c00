import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getBackend } from '@unmask/tensor';
import { loadTokenizer, type Tokenizer } from '@unmask/tokenizer';
import {
  type AnalysisPrompt,
  DEFAULT_CORPUS,
  parsePromptIds,
  validationPrompts,
} from '../analyze/analysis-prompts';
import { curveReport } from '../analyze/curve-report';
import { runDlcmExperiment } from '../analyze/dlcm-experiment';
import { dlcmReport } from '../analyze/dlcm-report';
import { AnalysisError } from '../analyze/errors';
import { shellLine } from '../analyze/markdown';
import { failedExactChecks, measureQuality } from '../analyze/quality';
import { DEFAULT_DLLM_CONFIGS, parseDllmConfigs, qualityPolicies } from '../analyze/quality-policies';
import { qualityReport } from '../analyze/quality-report';
import type { Report } from '../analyze/report';
import { type GenerationShape, measureStability } from '../analyze/stability';
import { stabilityReport } from '../analyze/stability-report';
import { readTrainingLog } from '../analyze/training-log';
import { type Command, UsageError } from '../command';
import { loadModelFrom, resolveModelArg } from '../model-arg';
import { printJson, status } from '../output';
import { ProgressBar } from '../progress';
import { trainingBackend } from '../training-backend';

const help = `Usage: unmask analyze <stability|quality|curve|dlcm> [options]

What we learn from a trained model; each analysis writes SVG plots and a markdown table into --out
and prints the table (or, with --json, one JSON object as the last line of stdout).

stability  generates from validation prompts without a cache, recording every layer's K, V,
           attention output and FFN output at every step, and reports the cosine similarity of each
           row's feature between adjacent steps, per layer, for prompt rows, response rows and the
           response rows the previous step committed (dLLM-Cache's Figure 2).
           Writes stability-steps.svg, stability-layers.svg, stability.md.
quality    generates from validation prompts with none, dllm-cache at several (Kp, Kr, rho), prefix
           and dual, and reports per policy: token agreement with none, the likelihood of its
           responses under the uncached model (LLaDA's masked-diffusion bound, nats/token, the same
           masks for every policy), wall-time speedup and FLOPs reduction over none. Fails if an
           exact setting (1, 1, 0) does not reproduce none. Writes quality.svg, quality.md.
curve      plots a training log (a trainer's training_log.jsonl: training loss raw and smoothed,
           and against step the validation objective and masked-token loss of a LLaDA run, or the
           validation cross-entropy and tokens per concept of a DLCM run).
           Writes training-curve.svg, training-curve.md.
dlcm       the DLCM experiment: trains a token-level baseline (4 token layers), DLCM R=2 and DLCM R=4
           (1 encoder + 1 decoder layer and a concept backbone sized to the baseline's inference FLOPs
           per token) on --data with the same tokenizer, settings and seed, then reports held-out
           bits per token against training FLOPs, realised tokens per concept, where the boundaries
           fall, and greedy generation speed with the session caches against recomputing.
           Writes dlcm-experiment.svg, dlcm-experiment.md; the models stay in --work.
           About 45 minutes on 2 cores at the default 600 steps.

Validation prompts are windows of --prompt-length + --gen-length tokens evenly spaced over the
held-out tail of --data (the trainer's split: the last 10%, cut at a line break), encoded with the
model's tokenizer; the window's tail is the reference continuation.

Options:
  --model M              a model folder, org/name or hf:org/name (default: models/llada-shakespeare)
  --out DIR              folder for the plots and tables (default: docs)
  --json                 print one JSON object as the last line of stdout
 stability, quality:
  --data FILE            corpus whose held-out tail gives the prompts
                         (default: ../shared/data/tinyshakespeare.txt, next to the repository)
  --prompt-ids LISTS     prompts as token ids instead, ';' between prompts: "5,9,2;7,7,1"
  --prompts N            validation prompts (default: stability 16, quality 12)
  --prompt-length N      tokens per validation prompt (default 64)
  --gen-length N         response tokens (default 64)
  --block-length N       LLaDA block length (default 32, or the response length if smaller)
  --steps N              denoising steps (default: the response length)
  --backend NAME         cpu or ort (default: the best available)
 quality:
  --configs LIST         dllm-cache settings "Kp,Kr,rho;..." (default: ${DEFAULT_DLLM_CONFIGS.map((c) => `${c.kp},${c.kr},${c.rho}`).join(';')})
  --likelihood-samples N masks of the likelihood estimate (default 8)
  --seed N               seed of those masks (default 0)
 curve:
  --log FILE             the training log (default: training_log.jsonl in the model folder)
  --smooth N             steps in the trailing mean of the training loss (default 50)
 dlcm:
  --data FILE            training text (default: ../shared/data/tinyshakespeare.txt)
  --steps N              optimizer steps per model (default 600)
  --eval-every N         validate every N steps (default 50)
  --work DIR             where the three models are trained (default: <tmp>/unmask-dlcm-experiment)
  --gen-length N         tokens per timed generation (default 192)
  --seed N               seed of initialisation, data order and boundary draws (default 0)
  --backend NAME         ort (default) or cpu

Examples:
  unmask analyze stability
  unmask analyze quality --prompts 8 --configs "100,8,0.25;1,1,0"
  unmask analyze curve --log models/llada-shakespeare/training_log.jsonl --out docs
  unmask analyze dlcm --out docs
  unmask analyze quality --model ./tiny --prompt-ids "1,2,3,4;5,6,7,8" --gen-length 16 --out /tmp/q --json`;

const options = {
  model: { type: 'string' },
  out: { type: 'string', default: 'docs' },
  json: { type: 'boolean', default: false },
  data: { type: 'string' },
  'prompt-ids': { type: 'string' },
  prompts: { type: 'string' },
  'prompt-length': { type: 'string' },
  'gen-length': { type: 'string' },
  'block-length': { type: 'string' },
  steps: { type: 'string' },
  backend: { type: 'string' },
  configs: { type: 'string' },
  'likelihood-samples': { type: 'string' },
  seed: { type: 'string' },
  log: { type: 'string' },
  smooth: { type: 'string' },
  'eval-every': { type: 'string' },
  work: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options });
}

const OWN_OPTIONS: Record<string, string[]> = {
  stability: [],
  quality: ['configs', 'likelihood-samples', 'seed'],
  curve: ['log', 'smooth'],
  dlcm: ['data', 'steps', 'eval-every', 'work', 'gen-length', 'seed', 'backend'],
};
const GENERATION_OPTIONS = [
  'data',
  'prompt-ids',
  'prompts',
  'prompt-length',
  'gen-length',
  'block-length',
  'steps',
  'backend',
];

/** An integer option of at least `min` (default 1). */
function integer(values: Values, name: keyof Values, fallback: number, min = 1): number {
  const text = values[name] as string | undefined;
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${text}'`);
  return n;
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary:
    'what we learn from a model: feature stability, quality under caching, training curve; the DLCM experiment',
  help,
  async run(argv) {
    const { values, positionals } = parse(argv);
    const [target, ...extra] = positionals;
    if (target === undefined || !(target in OWN_OPTIONS) || extra.length > 0) {
      throw new UsageError(
        `give one analysis: stability, quality, curve or dlcm (got '${positionals.join(' ')}')`,
      );
    }
    const generates = target === 'stability' || target === 'quality';
    const allowed = new Set([
      'out',
      'json',
      ...(target === 'dlcm' ? [] : ['model']),
      ...OWN_OPTIONS[target]!,
      ...(generates ? GENERATION_OPTIONS : []),
    ]);
    const foreign = Object.keys(values).find((name) => !allowed.has(name));
    if (foreign) throw new UsageError(`--${foreign} does not apply to 'analyze ${target}'`);
    // What the generated markdown says made it: the same files whether or not --json was given.
    const command = `unmask analyze ${shellLine(argv.filter((arg) => arg !== '--json'))}`;
    const outcome =
      target === 'curve'
        ? await runCurve(values, command)
        : target === 'dlcm'
          ? await runDlcm(values, command)
          : await runGeneration(target, values, command);
    writeReport(values.out, outcome.report);
    if (values.json) printJson(outcome.result);
    else process.stdout.write(`${outcome.report.text}\n`);
    if (outcome.failure) throw outcome.failure;
  },
};

/** A report to write, the result `--json` prints, and a failed built-in check to report after both. */
interface Outcome {
  report: Report;
  result: unknown;
  failure?: AnalysisError;
}

async function runCurve(values: Values, command: string): Promise<Outcome> {
  const file = values.log ?? join((await resolveModelArg(values.model)).dir, 'training_log.jsonl');
  const smooth = integer(values, 'smooth', 50);
  const log = readTrainingLog(file);
  status(`read ${log.steps.length} training steps and ${log.validations.length} validations from ${file}`);
  const report = curveReport(log, {
    command,
    log: values.log ?? 'training_log.jsonl in the model folder',
    smooth,
  });
  return { report, result: { log: file, steps: log.steps.length, validations: log.validations, smooth } };
}

async function runDlcm(values: Values, command: string): Promise<Outcome> {
  const result = await runDlcmExperiment(
    {
      data: values.data ?? DEFAULT_CORPUS,
      workDir: values.work ?? join(tmpdir(), 'unmask-dlcm-experiment'),
      steps: integer(values, 'steps', 600),
      evalEvery: integer(values, 'eval-every', 50),
      evalSequences: 32,
      seed: integer(values, 'seed', 0, 0),
      trainingBackend: trainingBackend(values.backend),
      inferenceBackend: getBackend(values.backend),
      genTokens: integer(values, 'gen-length', 192),
    },
    status,
  );
  const data = values.data ?? '../shared/data/tinyshakespeare.txt';
  return { report: dlcmReport(result, { command, data }), result };
}

async function runGeneration(target: string, values: Values, command: string): Promise<Outcome> {
  const resolved = await resolveModelArg(values.model);
  const tokenizer = await tryLoadTokenizer(resolved.dir);
  const model = loadModelFrom(resolved, values.backend);
  const genLength = integer(values, 'gen-length', 64);
  const shape: GenerationShape = {
    genLength,
    blockLength: integer(values, 'block-length', Math.min(32, genLength)),
    steps: integer(values, 'steps', genLength),
  };
  const { prompts, source } = analysisPrompts(target, values, tokenizer, genLength);
  const context = {
    command,
    model: values.model ? `\`${values.model}\`` : '`models/llada-shakespeare` (the shipped model)',
    prompts: source,
  };
  const bar = new ProgressBar(target);
  const started = performance.now();
  if (target === 'stability') {
    const result = measureStability(model, prompts, shape, (done) =>
      bar.update(done, prompts.length, `prompt ${done}/${prompts.length}`),
    );
    bar.finish();
    status(`${prompts.length} generations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { report: stabilityReport(result, context), result };
  }
  const configs = values.configs === undefined ? DEFAULT_DLLM_CONFIGS : parseDllmConfigs(values.configs);
  const result = measureQuality(
    model,
    prompts,
    {
      shape,
      policies: qualityPolicies(configs),
      likelihoodSamples: integer(values, 'likelihood-samples', 8),
      seed: integer(values, 'seed', 0, 0),
    },
    status,
  );
  status(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const decode = tokenizer ? (ids: number[]) => tokenizer.decode(ids) : undefined;
  const report = qualityReport(result, { ...context, ...(decode ? { decode } : {}) });
  const failed = failedExactChecks(result);
  if (failed.length === 0) return { report, result };
  const which = failed.map((r) => `${r.label} agrees with none on ${(r.agreement * 100).toFixed(2)}%`);
  return {
    report,
    result,
    failure: new AnalysisError(`exact check failed: ${which.join('; ')} (must be 100%)`),
  };
}

function analysisPrompts(
  target: string,
  values: Values,
  tokenizer: Tokenizer | undefined,
  genLength: number,
): { prompts: AnalysisPrompt[]; source: string } {
  if (values['prompt-ids'] !== undefined) {
    const given = ['data', 'prompts', 'prompt-length'].find(
      (name) => values[name as keyof Values] !== undefined,
    );
    if (given) throw new UsageError(`--${given} does not go with --prompt-ids`);
    return { prompts: parsePromptIds(values['prompt-ids']), source: 'given as token ids' };
  }
  if (!tokenizer) throw new UsageError('this model has no tokenizer files; give prompts with --prompt-ids');
  const count = integer(values, 'prompts', target === 'stability' ? 16 : 12);
  const promptLength = integer(values, 'prompt-length', 64);
  const data = values.data ?? DEFAULT_CORPUS;
  status(`drawing ${count} prompts of ${promptLength} tokens from the held-out tail of ${data}`);
  return {
    prompts: validationPrompts(data, tokenizer, count, promptLength, genLength),
    source: `windows evenly spaced over the held-out last 10% of \`${values.data ?? '../shared/data/tinyshakespeare.txt'}\``,
  };
}

async function tryLoadTokenizer(dir: string): Promise<Tokenizer | undefined> {
  try {
    return await loadTokenizer(dir);
  } catch {
    return undefined;
  }
}

function writeReport(out: string, report: Report): void {
  mkdirSync(out, { recursive: true });
  for (const [name, contents] of Object.entries(report.files)) {
    const path = join(out, name);
    writeFileSync(path, contents);
    status(`wrote ${path}`);
  }
}
