import type { DiffusionLM } from '@unmask/transformer';
import { commit, initialCanvas, maskedPositions } from '../canvas';
import { GenerationInputError } from '../errors';
import type { GenerationResult, StepEvent } from '../events';
import { predict } from '../guidance';
import type { SamplerOptions } from '../options';
import { type BasePlan, basePlan } from '../plan';
import type { Random } from '../random';
import { rowAt } from '../row-math';
import { aboveThreshold, type Candidate, mostConfident } from '../select';
import { numberIn, positiveInt } from '../validate';
import { type DreamAlg, filteredProbabilities, scoreToken, type TokenFilter } from './confidence';
import { timesteps, transferCount } from './schedule';

/**
 * Dream's options. Every default is explicit and deterministic; upstream instead inherits
 * `temperature=1.0, top_k=50, top_p=1.0` from transformers' generation defaults when they are not
 * passed, and defaults `alg` to 'origin'.
 */
export interface DreamOptions extends SamplerOptions {
  /** Default 'maskgit_plus'. */
  alg?: DreamAlg;
  /** > 0: sample the positions to commit from softmax(confidence / algTemp) instead of taking the top ones. Default 0. */
  algTemp?: number;
  /** Nucleus filtering before sampling; default off. */
  topP?: number;
  /** Top-k filtering before sampling; default off. */
  topK?: number;
  /** The schedule runs from t = 1 to t = eps; default 1e-3. */
  eps?: number;
}

const LLADA_ONLY = [
  'blockLength',
  'remasking',
  'cfgScale',
  'forbidEos',
  'deferEosEot',
  'eosTokenId',
  'eotTokenId',
] as const;
const ALGS: readonly DreamAlg[] = ['origin', 'maskgit_plus', 'topk_margin', 'entropy'];

interface DreamPlan extends BasePlan {
  steps: number;
  alg: DreamAlg;
  algTemp: number;
  eps: number;
  filter: TokenFilter;
}

function plan(model: DiffusionLM, prompt: ArrayLike<number>, options: DreamOptions): DreamPlan {
  const base = basePlan(model, prompt, options, LLADA_ONLY, 'Dream');
  const alg = options.alg ?? 'maskgit_plus';
  if (!ALGS.includes(alg)) throw new GenerationInputError('alg', alg, `must be one of ${ALGS.join(', ')}`);
  if (options.threshold !== undefined && alg === 'origin') {
    throw new GenerationInputError(
      'threshold',
      options.threshold,
      "needs a confidence: use an alg other than 'origin'",
    );
  }
  return {
    ...base,
    steps: options.threshold === undefined ? positiveInt('steps', options.steps) : base.genLength,
    alg,
    algTemp: numberIn('algTemp', options.algTemp ?? 0, 0, Number.MAX_VALUE),
    eps: numberIn('eps', options.eps ?? 1e-3, 0, 1, { min: true }),
    filter: {
      temperature: options.temperature ?? 0,
      topP: options.topP === undefined ? undefined : numberIn('topP', options.topP, 0, 1, { min: true }),
      topK: options.topK === undefined ? undefined : positiveInt('topK', options.topK),
    },
  };
}

/**
 * Dream's sampler (`DreamGenerationMixin.diffusion_generate`): every masked position of the
 * response competes at every step (no blocks); step i goes from t = timesteps[i] to s =
 * timesteps[i + 1] and commits int(masked * (1 - s / t)) tokens, all that remain at the last step.
 * With `threshold` it instead commits every token confident enough, until none is masked. Stops
 * early once nothing is masked (upstream would run the remaining steps without changing anything).
 */
export function* sampleDream(
  model: DiffusionLM,
  prompt: ArrayLike<number>,
  options: DreamOptions,
): Generator<StepEvent, GenerationResult> {
  const p = plan(model, prompt, options);
  const promptLength = prompt.length;
  const canvas = initialCanvas(prompt, p.genLength, p.maskId);
  const total = canvas.length;
  p.policy.reset({ promptLength, totalLength: total });
  const schedule = timesteps(p.steps, p.eps);
  let step = 0;
  for (; step < p.steps; step++) {
    const masked = maskedPositions(canvas, promptLength, total, p.maskId);
    if (masked.length === 0) break;
    const logits = predict({
      model,
      policy: p.policy,
      canvas,
      promptLength,
      maskId: p.maskId,
      cfgScale: 0,
      step: { step, blockStart: promptLength, blockEnd: total },
      positions: { start: promptLength, end: total },
    });
    const last = step === p.steps - 1;
    const t = schedule[step]!;
    const s = schedule[step + 1]!;
    const probabilities = (position: number) =>
      filteredProbabilities(rowAt(logits, position - promptLength, model.logitsWidth), p.filter);
    let chosen: Candidate[];
    if (p.alg === 'origin') {
      // Each masked position is revealed with probability 1 - s / t (1 at the last step).
      const reveal = last ? 1 : Math.fround(1 - Math.fround(s / t));
      chosen = masked
        .filter(() => p.random.float32() < reveal)
        .map((position) => ({
          position,
          ...scoreToken(probabilities(position), p.alg, p.filter.temperature, p.random),
        }));
    } else {
      const candidates = masked.map((position) => ({
        position,
        ...scoreToken(probabilities(position), p.alg, p.filter.temperature, p.random),
      }));
      if (p.threshold !== undefined) chosen = aboveThreshold(candidates, p.threshold);
      else {
        const count = last ? masked.length : transferCount(masked.length, t, s).count;
        chosen =
          p.algTemp > 0
            ? sampleBySoftmax(candidates, count, p.algTemp, p.random)
            : mostConfident(candidates, count);
      }
    }
    yield commit(canvas, chosen, step, 0, p.policy);
  }
  return { sequence: canvas, response: canvas.slice(promptLength), steps: step, flops: p.policy.flops.total };
}

/** `count` candidates drawn without replacement with weights softmax(confidence / algTemp) (upstream `torch.multinomial`). */
function sampleBySoftmax(
  candidates: readonly Candidate[],
  count: number,
  algTemp: number,
  random: Random,
): Candidate[] {
  const scaled = candidates.map((c) => c.confidence / algTemp);
  const max = Math.max(...scaled);
  const weights = scaled.map((v) => Math.exp(v - max));
  const chosen: Candidate[] = [];
  for (let n = 0; n < Math.min(count, candidates.length); n++) {
    const index = random.categorical(weights);
    chosen.push(candidates[index]!);
    weights[index] = 0;
  }
  return chosen;
}
