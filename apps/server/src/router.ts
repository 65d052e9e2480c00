import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error';
import type { ServerContext } from './context';
import { authorize } from './http/authorize';
import { sendError } from './http/respond';
import { chatCompletions } from './routes/chat-completions';
import { completions } from './routes/completions';
import { health } from './routes/health';
import { metrics } from './routes/metrics';
import { listModels, retrieveModel } from './routes/models';
import { page } from './routes/page';
import { toApiError } from './to-api-error';

type Handler = (ctx: ServerContext, req: IncomingMessage, res: ServerResponse) => Promise<void>;

const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  '/': { GET: page },
  '/health': { GET: health },
  '/metrics': { GET: metrics },
  '/v1/models': { GET: listModels },
  '/v1/completions': { POST: completions },
  '/v1/chat/completions': { POST: chatCompletions },
};

const MODEL_PATH = /^\/v1\/models\/(.+)$/;

/** The endpoint a path belongs to (the metrics label; unknown paths share one). */
function route(path: string): { endpoint: string; methods: Partial<Record<string, Handler>> } | undefined {
  const fixed = ROUTES[path];
  if (fixed) return { endpoint: path, methods: fixed };
  const model = MODEL_PATH.exec(path);
  if (!model) return undefined;
  const id = decodeURIComponent(model[1]!);
  return {
    endpoint: '/v1/models/{id}',
    methods: { GET: (ctx, req, res) => retrieveModel(ctx, req, res, id) },
  };
}

/** Answers one request; every failure becomes an OpenAI-style error object. */
export async function handleRequest(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  let endpoint = 'unmatched';
  res.on('close', () => ctx.metrics.request(endpoint, res.writableFinished ? res.statusCode : 'aborted'));
  try {
    if (ctx.draining()) {
      throw new ApiError(503, 'the server is shutting down', 'server_error', null, 'shutting_down', {
        Connection: 'close',
      });
    }
    const found = route(path);
    if (!found) throw new ApiError(404, `no endpoint at ${path}`, 'not_found_error', null, 'unknown_url');
    endpoint = found.endpoint;
    const handler = found.methods[req.method ?? ''];
    if (!handler) {
      const allowed = Object.keys(found.methods).join(', ');
      throw new ApiError(
        405,
        `${req.method} is not allowed on ${path} (use ${allowed})`,
        'invalid_request_error',
        null,
        'method_not_allowed',
        { Allow: allowed },
      );
    }
    if (path.startsWith('/v1/')) authorize(req, ctx.apiKey);
    await handler(ctx, req, res);
  } catch (error) {
    const apiError = toApiError(error, ctx.log);
    if (!res.headersSent) sendError(res, apiError);
    else res.end();
  }
}
