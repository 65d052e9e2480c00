import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import { planGeneration } from '../generation/generation-plan';
import { completionShape } from '../generation/response-shapes';
import { readJsonBody } from '../http/read-json-body';
import { parseRequest } from '../parse-request';
import type { CompletionRequest } from '../request-schemas';
import { checkModelName } from './check-model-name';
import { serveGeneration } from './generation-response';

/** A string prompt is tokenized (with the tokenizer's special tokens, as `unmask generate` does); ids pass as they are. */
function promptIds(ctx: ServerContext, prompt: CompletionRequest['prompt']): number[] {
  const single = Array.isArray(prompt) && typeof prompt[0] !== 'number' ? prompt[0]! : prompt;
  return typeof single === 'string' ? ctx.model.tokenizer.encode(single) : (single as number[]);
}

/** POST /v1/completions */
export async function completions(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readJsonBody(req, ctx.limits.maxBodyBytes);
  const request = parseRequest(ctx.schemas.completion, body);
  checkModelName(ctx, request.model);
  const plan = planGeneration(
    ctx.model,
    { ...request, maxTokens: request.max_tokens, maxTokensParam: 'max_tokens' },
    promptIds(ctx, request.prompt),
    'prompt',
    ctx.limits,
  );
  const shape = completionShape(ctx.model.id, request.stream_options?.include_usage === true);
  await serveGeneration(ctx, res, request, plan, shape);
}
