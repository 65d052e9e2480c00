import { ApiError } from '../api-error';
import type { ServerContext } from '../context';

/** A request's `model` must name the one model this server serves. */
export function checkModelName(ctx: ServerContext, name: string): void {
  if (name === ctx.model.id) return;
  throw new ApiError(
    404,
    `model '${name}' is not served here (this server serves '${ctx.model.id}')`,
    'invalid_request_error',
    'model',
    'model_not_found',
  );
}
