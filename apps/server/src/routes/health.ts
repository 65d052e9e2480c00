import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import { sendJson } from '../http/respond';

/** GET /health: answered on the main thread, so it stays quick while generations run. */
export async function health(ctx: ServerContext, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const healthy = ctx.thread.healthy;
  sendJson(res, healthy ? 200 : 503, {
    status: healthy ? 'ok' : 'inference_unavailable',
    model: ctx.model.id,
    family: ctx.model.family,
    backend: ctx.thread.info.backend,
    active: ctx.scheduler.active,
    queued: ctx.scheduler.queued,
    concurrency: ctx.limits.concurrency,
    max_queue: ctx.limits.maxQueue,
  });
}
