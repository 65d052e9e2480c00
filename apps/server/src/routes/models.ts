import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import { familyDefaults } from '../family-defaults';
import { sendJson } from '../http/respond';
import { checkModelName } from './check-model-name';

/** OpenAI's model object, with what a client of the `unmask` extension wants to know. */
function modelObject(ctx: ServerContext) {
  const { model, limits } = ctx;
  return {
    id: model.id,
    object: 'model',
    created: model.created,
    owned_by: 'unmask',
    unmask: {
      family: model.family,
      max_positions: model.maxPositions,
      max_tokens: limits.maxTokens,
      chat_template: model.tokenizer.chatTemplate !== undefined,
      defaults: familyDefaults(model.family),
    },
  };
}

/** GET /v1/models */
export async function listModels(
  ctx: ServerContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  sendJson(res, 200, { object: 'list', data: [modelObject(ctx)] });
}

/** GET /v1/models/{id} */
export async function retrieveModel(
  ctx: ServerContext,
  _req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  checkModelName(ctx, id);
  sendJson(res, 200, modelObject(ctx));
}
