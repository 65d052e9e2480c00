import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import { sendText } from '../http/respond';
import { pageHtml } from '../page/page-html';

/** GET /: the live denoising page. */
export async function page(ctx: ServerContext, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendText(res, 200, 'text/html; charset=utf-8', pageHtml(ctx.model.id, ctx.limits.maxTokens));
}
