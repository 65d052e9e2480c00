import { type CachePolicy, createPolicy } from '@unmask/cache';
import { generate } from '@unmask/diffusion';
import type { DiffusionLM } from '@unmask/transformer';
import type { AnalysisPrompt } from './analysis-prompts';
import { AnalysisError } from './errors';
import { type DllmCacheConfig, isExact, type QualityPolicy } from './quality-policies';
import { likelihoodMasks, responseNll } from './response-likelihood';
import type { GenerationShape } from './stability';

export interface QualityRow {
  label: string;
  policy: QualityPolicy['name'];
  config: DllmCacheConfig | null;
  /** Mean over prompts of the fraction of response positions holding none's token. */
  agreement: number;
  /** Prompts whose whole response is none's. */
  identicalResponses: number;
  /**
   * Mean over prompts of the first step that committed other (position, token) pairs than none's
   * did (the number of steps when none did): how long the policy follows none exactly.
   */
  firstDivergentStep: number;
  /** Mean over prompts of the response's likelihood estimate under the uncached model (nats/token). */
  nll: number;
  /** nll minus none's, and the standard error of that mean difference over the prompts (paired). */
  nllDelta: number;
  nllDeltaStdError: number;
  /** Wall time of all its generations, and none's divided by it. */
  seconds: number;
  speedup: number;
  /** FLOPs of all its generations (the policy's own counter), and none's divided by them. */
  flops: number;
  flopsReduction: number;
}

export interface QualityResult {
  prompts: number;
  promptLength: number;
  shape: GenerationShape;
  likelihoodSamples: number;
  rows: QualityRow[];
  /** The likelihood estimate of the text that really follows each prompt (corpus prompts only). */
  referenceNll: number | null;
  /** Every distinct response to the first prompt, with the policies that gave it (none's first). */
  firstPrompt: { prompt: number[]; responses: { ids: number[]; policies: string[] }[] };
}

export interface QualityOptions {
  shape: GenerationShape;
  policies: readonly QualityPolicy[];
  likelihoodSamples: number;
  seed: number;
}

/**
 * Generates from every prompt with every policy (none first; the policies take turns on each
 * prompt, so a slow spell of the machine slows them alike) and compares each with none: token
 * agreement, the likelihood of its responses under the uncached model (the same masks for every
 * policy), wall time and FLOPs. One untimed generation per policy first builds the backend's sessions.
 */
export function measureQuality(
  model: DiffusionLM,
  prompts: readonly AnalysisPrompt[],
  options: QualityOptions,
  progress: (line: string) => void = () => {},
): QualityResult {
  const { shape, policies } = options;
  const maskId = model.config.maskTokenId;
  if (maskId === undefined) throw new AnalysisError('the model config names no mask token');
  if (policies[0]?.name !== 'none') throw new AnalysisError('the first policy must be none, the reference');
  const instances: CachePolicy[] = policies.map((p) =>
    p.config
      ? createPolicy('dllm-cache', {
          promptInterval: p.config.kp,
          responseInterval: p.config.kr,
          transferRatio: p.config.rho,
        })
      : createPolicy(p.name),
  );
  const run = (prompt: AnalysisPrompt, policy: CachePolicy) => {
    const commits: string[] = [];
    const result = generate(model, prompt.ids, {
      ...shape,
      policy,
      onStep: (event) => commits.push(event.committed.join(';')),
    });
    return { ...result, commits };
  };
  for (const policy of instances) run(prompts[0]!, policy);
  const seconds = policies.map(() => 0);
  const flops = policies.map(() => 0);
  const responses: Int32Array[][] = policies.map(() => []);
  const commits: string[][][] = policies.map(() => []);
  prompts.forEach((prompt, i) => {
    instances.forEach((policy, p) => {
      const started = performance.now();
      const result = run(prompt, policy);
      seconds[p]! += (performance.now() - started) / 1000;
      flops[p]! += result.flops;
      responses[p]!.push(result.response);
      commits[p]!.push(result.commits);
    });
    progress(`prompt ${i + 1}/${prompts.length}: ${policies.length} generations`);
  });

  const masks = likelihoodMasks(shape.genLength, options.likelihoodSamples, options.seed);
  const scored = new Map<string, number>();
  const nllOf = (prompt: AnalysisPrompt, response: ArrayLike<number>) => {
    const key = `${prompt.ids.join(',')}|${Array.from(response).join(',')}`;
    let nll = scored.get(key);
    if (nll === undefined) {
      nll = responseNll(model, prompt.ids, response, masks, maskId);
      scored.set(key, nll);
    }
    return nll;
  };
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const reference = responses[0]!;
  const perPrompt = responses.map((list) => list.map((response, i) => nllOf(prompts[i]!, response)));
  progress(`scored ${scored.size} distinct responses with ${masks.length} masks each`);
  const references = prompts.map((p) => p.reference);
  const referenceNll = references.every((r) => r !== undefined && r.length === shape.genLength)
    ? mean(references.map((r, i) => nllOf(prompts[i]!, r!)))
    : null;

  const rows = policies.map((policy, p): QualityRow => {
    const agreements = responses[p]!.map((response, i) => agreement(response, reference[i]!));
    return {
      label: policy.label,
      policy: policy.name,
      config: policy.config ?? null,
      agreement: mean(agreements),
      identicalResponses: agreements.filter((a) => a === 1).length,
      firstDivergentStep: mean(commits[p]!.map((steps, i) => firstDifference(steps, commits[0]![i]!))),
      nll: mean(perPrompt[p]!),
      nllDelta: mean(perPrompt[p]!) - mean(perPrompt[0]!),
      nllDeltaStdError: standardError(perPrompt[p]!.map((nll, i) => nll - perPrompt[0]![i]!)),
      seconds: seconds[p]!,
      speedup: seconds[0]! / seconds[p]!,
      flops: flops[p]!,
      flopsReduction: flops[0]! / flops[p]!,
    };
  });
  return {
    prompts: prompts.length,
    promptLength: prompts[0]?.ids.length ?? 0,
    shape,
    likelihoodSamples: masks.length,
    rows,
    referenceNll,
    firstPrompt: { prompt: prompts[0]!.ids, responses: distinctResponses(policies, responses) },
  };
}

/** The exact dllm-cache settings whose responses differ from none's (there must be none). */
export function failedExactChecks(result: QualityResult): QualityRow[] {
  return result.rows.filter((row) => row.config && isExact(row.config) && row.agreement !== 1);
}

/** Standard error of the mean of `values` (NaN for fewer than two). */
function standardError(values: readonly number[]): number {
  const n = values.length;
  const average = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((sum, v) => sum + (v - average) ** 2, 0) / (n - 1);
  return Math.sqrt(variance / n);
}

function firstDifference(steps: readonly string[], reference: readonly string[]): number {
  const at = reference.findIndex((committed, step) => steps[step] !== committed);
  return at < 0 ? reference.length : at;
}

function agreement(response: Int32Array, reference: Int32Array): number {
  let same = 0;
  for (let i = 0; i < response.length; i++) if (response[i] === reference[i]) same++;
  return same / response.length;
}

function distinctResponses(
  policies: readonly QualityPolicy[],
  responses: Int32Array[][],
): { ids: number[]; policies: string[] }[] {
  const byIds = new Map<string, { ids: number[]; policies: string[] }>();
  policies.forEach((policy, p) => {
    const ids = Array.from(responses[p]![0]!);
    const key = ids.join(',');
    const entry = byIds.get(key) ?? { ids, policies: [] };
    entry.policies.push(policy.label);
    byIds.set(key, entry);
  });
  return [...byIds.values()];
}
