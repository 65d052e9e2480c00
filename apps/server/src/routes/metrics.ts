import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import { sendText } from '../http/respond';

/** GET /metrics: Prometheus text format. */
export async function metrics(ctx: ServerContext, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendText(res, 200, ctx.metrics.contentType, await ctx.metrics.text());
}
