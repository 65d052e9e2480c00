import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '@unmask/server';
import { type Command, UsageError } from '../command';
import { resolveModelArg } from '../model-arg';
import { printJson, status } from '../output';

const help = `Usage: unmask serve [--model M] [--port N] [--host H] [options]

Serves the model over an OpenAI-compatible HTTP API: GET /v1/models, POST /v1/completions,
POST /v1/chat/completions (stream: true for server-sent events), GET /health, GET /metrics
(Prometheus), and at / a page that shows the canvas unmasking live. Diffusion settings and the
cache policy go in each request's "unmask" object (see apps/server/README.md). Generations run in
an inference thread; SIGTERM stops taking requests and exits once the accepted ones are answered.

Options:
  --model M             a model folder, org/name in the Hugging Face cache, or hf:org/name
                        (default: the model this repository ships, models/llada-shakespeare)
  --host H              address to listen on (default 127.0.0.1)
  --port N              port (default 8000; 0 picks a free one, printed once listening)
  --concurrency N       generations denoised at once, step by step in turn (default 2)
  --max-queue N         requests that may wait beyond those; more get 429 with Retry-After (default 64)
  --max-tokens N        largest max_tokens a request may ask (default 1024, capped by the model)
  --max-body-bytes N    largest request body (default 1048576)
  --api-key KEY         require "Authorization: Bearer KEY" on /v1/* (default: $UNMASK_API_KEY, else none)
  --backend NAME        cpu or ort (default: the best available)
  --json                print {"url","model"} as one JSON line on stdout once listening

Examples:
  unmask serve --port 8000
  unmask serve --model GSAI-ML/LLaDA-8B-Instruct --host 0.0.0.0 --concurrency 1 --api-key secret
  curl -s localhost:8000/v1/completions -H 'Content-Type: application/json' \\
    -d '{"model": "llada-shakespeare", "prompt": "ROMEO:", "max_tokens": 32}'`;

function int(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${text}'`);
  return n;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve an OpenAI-compatible API and a live denoising page',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8000' },
        concurrency: { type: 'string' },
        'max-queue': { type: 'string' },
        'max-tokens': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'api-key': { type: 'string' },
        backend: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const port = int('port', values.port, 0)!;
    if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
    const resolved = await resolveModelArg(values.model);
    const server = await startServer({
      modelDir: resolved.dir,
      modelId: resolved.repo ?? basename(resolved.dir),
      host: values.host,
      port,
      backend: values.backend,
      concurrency: int('concurrency', values.concurrency, 1),
      maxQueue: int('max-queue', values['max-queue'], 0),
      maxTokens: int('max-tokens', values['max-tokens'], 1),
      maxBodyBytes: int('max-body-bytes', values['max-body-bytes'], 1024),
      apiKey: values['api-key'] ?? (process.env['UNMASK_API_KEY'] || undefined),
      log: status,
    });
    status(
      `serving ${server.model.id} (${server.model.family} on ${server.backend}) at ${server.url}` +
        ` (concurrency ${server.limits.concurrency}, queue ${server.limits.maxQueue})`,
    );
    if (values.json) printJson({ url: server.url, model: server.model.id });
    await new Promise<void>((resolve) => {
      // A second SIGTERM finds no listener and ends the process at once.
      process.once('SIGTERM', () => {
        status('SIGTERM: finishing accepted requests, refusing new ones');
        void server.close().then(resolve);
      });
    });
  },
};
