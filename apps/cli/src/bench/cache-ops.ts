import { type CachePolicy, createPolicy, type DllmCacheTrace, opFlops } from '@unmask/cache';
import { type GenerationResult, type StepEvent, sample } from '@unmask/diffusion';
import { BACKEND_OPS, type Backend, getBackend, type Tensor } from '@unmask/tensor';
import { type CacheBenchCase, randomPrompt } from './cache-bench';
import { type LladaShape, syntheticLlada } from './llada-checkpoint';
import { seededRandom } from './random';

export interface CacheOpsOptions {
  shape: LladaShape;
  case: Pick<CacheBenchCase, 'name' | 'promptLength' | 'genLength' | 'blockLength' | 'steps'>;
  /** dllm-cache's (Kp, Kr, rho). */
  dllmCache: { promptInterval: number; responseInterval: number; transferRatio: number };
  /** A none step is timed after every this many dllm-cache steps. */
  noneEvery: number;
  backend?: string;
}

/** One op at one input shape, per profiled step. */
export interface CacheOpsRow {
  op: string;
  /** The first input's dims. */
  shape: string;
  callsPerStep: number;
  msPerStep: number;
  gflops: number;
  /** msPerStep minus what the op's FLOPs would take at none's whole-step rate. */
  excessMsPerStep: number;
}

export interface CacheOpsResult {
  model: LladaShape & { parameters: number; backend: string };
  case: CacheOpsOptions['case'];
  none: { steps: number; msPerStep: number; gflops: number };
  /** dllm-cache's cached steps: those where no layer >= 1 refreshes the prompt or the response. */
  cached: { steps: number; msPerStep: number; gflops: number; outsideOpsMsPerStep: number };
  /** cached.gflops / none.gflops. */
  efficiency: number;
  /** The cached steps' ops, most time first. */
  ops: CacheOpsRow[];
}

export function defaultCacheOps(): CacheOpsOptions {
  return {
    shape: { width: 1024, layers: 8, heads: 16, ffn: 2816, vocab: 8192 },
    case: { name: 'A: prompt 512 + gen 256', promptLength: 512, genLength: 256, blockLength: 32, steps: 128 },
    dllmCache: { promptInterval: 100, responseInterval: 8, transferRatio: 0.25 },
    noneEvery: 12,
  };
}

export function quickCacheOps(): CacheOpsOptions {
  return {
    ...defaultCacheOps(),
    shape: { width: 64, layers: 4, heads: 4, ffn: 176, vocab: 256 },
    case: { name: 'A: prompt 32 + gen 16', promptLength: 32, genLength: 16, blockLength: 8, steps: 16 },
    noneEvery: 4,
  };
}

interface OpStat {
  calls: number;
  ms: number;
  flops: number;
}

/** `inner` with every op timed into `stats` (keyed by op and first input dims) while `recording()`. */
function timedBackend(inner: Backend, stats: Map<string, OpStat>, recording: () => boolean): Backend {
  const timed: Record<string, unknown> = { name: inner.name };
  const flops = opFlops as (name: string, ...args: unknown[]) => number;
  for (const op of BACKEND_OPS) {
    const run = (inner[op] as (...args: unknown[]) => unknown).bind(inner);
    timed[op] = (...args: unknown[]) => {
      if (!recording()) return run(...args);
      const t0 = performance.now();
      const result = run(...args);
      const ms = performance.now() - t0;
      const key = `${op} ${(args[0] as Tensor).dims.join('x')}`;
      const stat = stats.get(key) ?? { calls: 0, ms: 0, flops: 0 };
      stat.calls++;
      stat.ms += ms;
      stat.flops += flops(op, ...args);
      stats.set(key, stat);
      return result;
    };
  }
  return timed as unknown as Backend;
}

/**
 * Where dllm-cache's steady-state steps spend their time against none's: one LLaDA generation with
 * dllm-cache, every step timed and its ops timed one by one, and a none step of the same case timed
 * after every `noneEvery` of them. Only the cached steps (no refresh at any layer >= 1) are
 * profiled; the refresh steps run but are left out.
 */
export function runCacheOps(options: CacheOpsOptions, progress: (line: string) => void): CacheOpsResult {
  const backend = getBackend(options.backend);
  const stepStats = new Map<string, OpStat>();
  let recording = false;
  const base = syntheticLlada(options.shape, backend);
  const model = base.withBackend(timedBackend(backend, stepStats, () => recording));
  progress(
    `synthetic LLaDA ${JSON.stringify(options.shape)}: ${(base.parameterCount / 1e6).toFixed(0)}M parameters on ${backend.name}`,
  );
  const prompt = randomPrompt(seededRandom(7), options.case.promptLength, options.shape.vocab);
  let cachedForward = false;
  const dllm = createPolicy('dllm-cache', {
    ...options.dllmCache,
    onTrace: (trace: DllmCacheTrace) => {
      cachedForward = trace.layers.slice(1).every((layer) => layer.branch === 'none');
    },
  });
  const { genLength, blockLength, steps } = options.case;
  const generation = (policy: CachePolicy) =>
    sample(model, prompt, { genLength, blockLength, steps, policy });
  const timeStep = (generator: Generator<StepEvent, GenerationResult>) => {
    const t0 = performance.now();
    const next = generator.next();
    return { ms: performance.now() - t0, flops: next.done ? 0 : next.value.flops };
  };
  // Warm-up: every session of both policies is built before anything is timed.
  const warm = generation(createPolicy('dllm-cache', options.dllmCache));
  for (let i = 0; i < 2; i++) timeStep(warm);
  const none = generation(createPolicy('none'));
  timeStep(none);

  const stats = new Map<string, OpStat>();
  const noneTotals = { ms: 0, flops: 0, steps: 0 };
  const cached = { ms: 0, flops: 0, steps: 0 };
  const policySteps = generation(dllm);
  for (let i = 0; i < steps; i++) {
    stepStats.clear();
    recording = true;
    const step = timeStep(policySteps);
    recording = false;
    if (cachedForward) {
      cached.ms += step.ms;
      cached.flops += step.flops;
      cached.steps++;
      for (const [key, s] of stepStats) {
        const total = stats.get(key) ?? { calls: 0, ms: 0, flops: 0 };
        total.calls += s.calls;
        total.ms += s.ms;
        total.flops += s.flops;
        stats.set(key, total);
      }
    }
    if (i % options.noneEvery === options.noneEvery >> 1) {
      const noneStep = timeStep(none);
      noneTotals.ms += noneStep.ms;
      noneTotals.flops += noneStep.flops;
      noneTotals.steps++;
    }
  }
  if (cached.steps === 0 || noneTotals.steps === 0)
    throw new Error('bench cache --ops: the case ran no cached step or no none step');
  progress(`${cached.steps} cached dllm-cache steps and ${noneTotals.steps} none steps profiled`);
  const gflops = (flops: number, ms: number) => flops / ms / 1e6;
  const noneRate = gflops(noneTotals.flops, noneTotals.ms);
  const perStep = (value: number) => value / cached.steps;
  const opsMs = [...stats.values()].reduce((sum, s) => sum + s.ms, 0);
  const ops = [...stats.entries()]
    .map(([key, s]) => {
      const [op, shape] = key.split(' ') as [string, string];
      return {
        op,
        shape,
        callsPerStep: perStep(s.calls),
        msPerStep: perStep(s.ms),
        gflops: gflops(s.flops, s.ms),
        excessMsPerStep: perStep(s.ms - s.flops / noneRate / 1e6),
      };
    })
    .sort((a, b) => b.msPerStep - a.msPerStep);
  const cachedRate = gflops(cached.flops, cached.ms);
  return {
    model: { ...options.shape, parameters: base.parameterCount, backend: backend.name },
    case: options.case,
    none: { steps: noneTotals.steps, msPerStep: noneTotals.ms / noneTotals.steps, gflops: noneRate },
    cached: {
      steps: cached.steps,
      msPerStep: perStep(cached.ms),
      gflops: cachedRate,
      outsideOpsMsPerStep: perStep(cached.ms - opsMs),
    },
    efficiency: cachedRate / noneRate,
    ops,
  };
}
