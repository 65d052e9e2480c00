import { type CachePolicy, createPolicy } from '@unmask/cache';
import { type GenerationResult, type StepEvent, sample } from '@unmask/diffusion';
import { type Backend, getBackend } from '@unmask/tensor';
import type { DiffusionLM } from '@unmask/transformer';
import { type LladaShape, syntheticLlada } from './llada-checkpoint';
import { seededRandom } from './random';

/** One generation request: a prompt of `promptLength` random ids, then `genLength` masks denoised in `steps`. */
export interface CacheBenchCase {
  name: string;
  promptLength: number;
  genLength: number;
  blockLength: number;
  steps: number;
  /** Generations of each policy, the policies taking turns (their times are averaged). */
  repeats: number;
  /** Steps of `none` timed during each of those generations, spread evenly over it. */
  noneSamplesPerRun: number;
}

export interface CacheBenchPolicy {
  name: string;
  options?: object;
}

export interface CacheBenchOptions {
  shape: LladaShape;
  cases: CacheBenchCase[];
  policies: CacheBenchPolicy[];
  /**
   * Steps each policy runs before a case is timed, and none before the first case (one step
   * before the others), so sessions are built and weights baked (on their second use); new sizes
   * reuse every session (`sessionsBuiltWhileTiming` checks it).
   */
  warmupSteps: number;
  backend?: string;
}

export interface CacheBenchRow {
  name: string;
  policy: string;
  /** none's wall time for the whole generation / the policy's. */
  speedup: number;
  /** none's FLOPs for the whole generation / the policy's (the policies' own counters). */
  flopsReduction: number;
  /** speedup / flopsReduction: 1 when the caching machinery costs nothing beyond the FLOPs it runs. */
  efficiency: number;
  promptLength: number;
  genLength: number;
  blockLength: number;
  steps: number;
  repeats: number;
  /** The policy's whole generation (every step timed, the sampler's work included; mean of the repeats). */
  policySeconds: number;
  /** Of which its first step (a full pass for every policy here). */
  policyFirstStepSeconds: number;
  /** none's median step time over the steps timed between this policy's, and that times `steps`. */
  noneStepSeconds: number;
  noneSeconds: number;
  noneSamples: number;
  policyFlops: number;
  noneFlops: number;
}

export interface CacheBenchResult {
  model: LladaShape & { parameters: number; backend: string };
  /**
   * Op sessions the backend built, and bytes of weights it baked into new sessions, while timing:
   * 0 and 0 = every row count reused a cached session (null: the backend does not say).
   */
  sessionsBuiltWhileTiming: number | null;
  bytesBakedWhileTiming: number | null;
  cases: CacheBenchRow[];
}

/** The cases and policies; see `unmask bench cache --help` for why these steps. */
export function defaultCacheBench(): CacheBenchOptions {
  return {
    shape: { width: 1024, layers: 8, heads: 16, ffn: 2816, vocab: 8192 },
    cases: [
      {
        name: 'A: prompt 512 + gen 256',
        promptLength: 512,
        genLength: 256,
        blockLength: 32,
        steps: 128,
        repeats: 1,
        noneSamplesPerRun: 4,
      },
      {
        // One full pass and 31 cheap steps: a single slow spell during the full pass would move the
        // result, so each policy runs twice.
        name: 'B: prompt 2048 + gen 32',
        promptLength: 2048,
        genLength: 32,
        blockLength: 32,
        steps: 32,
        repeats: 2,
        noneSamplesPerRun: 2,
      },
    ],
    policies: [
      { name: 'dllm-cache', options: { promptInterval: 100, responseInterval: 8, transferRatio: 0.25 } },
      { name: 'prefix' },
      { name: 'dual' },
    ],
    warmupSteps: 2,
  };
}

export function quickCacheBench(): CacheBenchOptions {
  const options = defaultCacheBench();
  return {
    ...options,
    shape: { width: 64, layers: 4, heads: 4, ffn: 176, vocab: 256 },
    cases: [
      {
        name: 'A: prompt 32 + gen 16',
        promptLength: 32,
        genLength: 16,
        blockLength: 8,
        steps: 16,
        repeats: 1,
        noneSamplesPerRun: 2,
      },
      {
        name: 'B: prompt 96 + gen 8',
        promptLength: 96,
        genLength: 8,
        blockLength: 8,
        steps: 8,
        repeats: 2,
        noneSamplesPerRun: 1,
      },
    ],
    warmupSteps: 2,
  };
}

/**
 * A LLaDA sampler run step by step; `step()` starts a new generation when the previous one ended.
 * Every generation uses the same policy object, as a server keeps one (the sampler resets it).
 */
class Stepper {
  private steps: Generator<StepEvent, GenerationResult> | undefined;

  constructor(
    private readonly model: DiffusionLM,
    private readonly prompt: number[],
    private readonly c: CacheBenchCase,
    private readonly policy: CachePolicy,
  ) {}

  /** Runs one step; returns its seconds and FLOPs, or undefined when the generation just ended. */
  step(): { seconds: number; flops: number } | undefined {
    this.steps ??= sample(this.model, this.prompt, {
      genLength: this.c.genLength,
      blockLength: this.c.blockLength,
      steps: this.c.steps,
      policy: this.policy,
    });
    const t0 = performance.now();
    const next = this.steps.next();
    const seconds = (performance.now() - t0) / 1000;
    if (next.done) {
      this.steps = undefined;
      return undefined;
    }
    return { seconds, flops: next.value.flops };
  }

  /** One step, starting a new generation first if needed. */
  anyStep(): { seconds: number; flops: number } {
    return this.step() ?? this.step()!;
  }
}

/** A prompt of random ids of a synthetic LLaDA (its mask token is the vocabulary's last id). */
export function randomPrompt(random: () => number, length: number, vocab: number): number[] {
  const maskId = vocab - 1;
  return Array.from({ length }, () => Math.floor(random() * (maskId - 2)));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What an onnxruntime backend has built so far: op sessions and baked weight bytes. */
function built(backend: Backend): { sessions: number; baked: number } | undefined {
  const ort = backend as { cachedSessions?: number; bakedBytes?: number };
  if (ort.cachedSessions === undefined || ort.bakedBytes === undefined) return undefined;
  return { sessions: ort.cachedSessions, baked: ort.bakedBytes };
}

/**
 * For each case and policy: the policy's whole generation through the real LLaDA sampler, every step
 * timed, with steps of `none` (the same sampler, the same case) timed in between. Every none step
 * runs the same shapes (all rows, the block's logits), so none's whole generation is estimated as
 * its median step times `steps`, and its FLOPs as its (constant, checked) per-step FLOPs times
 * `steps`.
 */
export function runCacheBench(
  options: CacheBenchOptions,
  progress: (line: string) => void,
): CacheBenchResult {
  const backend = getBackend(options.backend);
  const t0 = performance.now();
  const model = syntheticLlada(options.shape, backend);
  progress(
    `synthetic LLaDA ${JSON.stringify(options.shape)}: ${(model.parameterCount / 1e6).toFixed(0)}M parameters on ${backend.name}, loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const random = seededRandom(7);
  const result: CacheBenchResult = {
    model: { ...options.shape, parameters: model.parameterCount, backend: backend.name },
    sessionsBuiltWhileTiming: null,
    bytesBakedWhileTiming: null,
    cases: [],
  };
  const whileTiming = { sessions: 0, baked: 0 };
  for (const c of options.cases) {
    const prompt = randomPrompt(random, c.promptLength, options.shape.vocab);
    const policies = new Map(options.policies.map((p) => [p, createPolicy(p.name, p.options ?? {})]));
    const none = new Stepper(model, prompt, c, createPolicy('none'));
    // Warm-up: every op shape class of every policy runs at this case's sizes (onnxruntime grows
    // each session's memory arena on its first large call), and weights are baked, before timing.
    const first = c === options.cases[0];
    for (let i = 0; i < (first ? options.warmupSteps : 1); i++) none.anyStep();
    for (const p of options.policies) {
      const warm = new Stepper(model, prompt, c, policies.get(p)!);
      for (let i = 0; i < Math.min(options.warmupSteps, c.steps); i++) warm.step();
    }
    const before = built(backend);
    // Each policy is compared with the none steps timed during its own generations: a slow spell
    // of this shared machine then slows both sides of the ratio alike.
    const runs = new Map(
      options.policies.map((p) => [
        p,
        { seconds: 0, first: 0, flops: 0, none: [] as { seconds: number; flops: number }[] },
      ]),
    );
    for (let repeat = 0; repeat < c.repeats; repeat++) {
      for (const p of options.policies) {
        const policy = new Stepper(model, prompt, c, policies.get(p)!);
        const every = Math.max(1, Math.floor(c.steps / c.noneSamplesPerRun));
        const run = runs.get(p)!;
        let seconds = 0;
        for (let i = 0; ; i++) {
          const step = policy.step();
          if (!step) break;
          seconds += step.seconds;
          if (i === 0) run.first += step.seconds / c.repeats;
          if (repeat === 0) run.flops += step.flops;
          if (i % every === every >> 1) run.none.push(none.anyStep());
        }
        run.seconds += seconds / c.repeats;
        progress(
          `${c.name}, ${p.name}: ${c.steps} steps in ${seconds.toFixed(1)} s; none ${(median(run.none.map((s) => s.seconds)) * 1000).toFixed(0)} ms/step`,
        );
      }
    }
    const after = built(backend);
    if (before && after) {
      whileTiming.sessions += after.sessions - before.sessions;
      whileTiming.baked += after.baked - before.baked;
    }
    for (const [p, { seconds, first: firstStep, flops, none: noneSteps }] of runs) {
      const noneFlopsPerStep = noneSteps[0]!.flops;
      if (noneSteps.some((s) => s.flops !== noneFlopsPerStep)) {
        throw new Error(
          'bench cache: none ran different FLOPs at different steps; its estimate would be wrong',
        );
      }
      const noneStepSeconds = median(noneSteps.map((s) => s.seconds));
      const noneSeconds = noneStepSeconds * c.steps;
      const noneFlops = noneFlopsPerStep * c.steps;
      const speedup = noneSeconds / seconds;
      const flopsReduction = noneFlops / flops;
      result.cases.push({
        name: c.name,
        policy: p.name,
        speedup,
        flopsReduction,
        efficiency: speedup / flopsReduction,
        promptLength: c.promptLength,
        genLength: c.genLength,
        blockLength: c.blockLength,
        steps: c.steps,
        repeats: c.repeats,
        policySeconds: seconds,
        policyFirstStepSeconds: firstStep,
        noneStepSeconds,
        noneSeconds,
        noneSamples: noneSteps.length,
        policyFlops: flops,
        noneFlops,
      });
    }
  }
  if (built(backend)) {
    result.sessionsBuiltWhileTiming = whileTiming.sessions;
    result.bytesBakedWhileTiming = whileTiming.baked;
  }
  return result;
}
