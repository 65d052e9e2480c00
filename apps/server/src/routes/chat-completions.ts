import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatMessage } from '@unmask/tokenizer';
import { ApiError } from '../api-error';
import type { ServerContext } from '../context';
import { planGeneration } from '../generation/generation-plan';
import { chatShape } from '../generation/response-shapes';
import { readJsonBody } from '../http/read-json-body';
import { parseRequest } from '../parse-request';
import type { ChatRequest } from '../request-schemas';
import { checkModelName } from './check-model-name';
import { serveGeneration } from './generation-response';

/** The messages rendered with the model's chat template (ending in the assistant's header) and tokenized. */
function chatPromptIds(ctx: ServerContext, messages: ChatRequest['messages']): number[] {
  const { tokenizer, id } = ctx.model;
  if (!tokenizer.chatTemplate) {
    throw ApiError.invalid(
      'messages',
      `model '${id}' has no chat template (tokenizer_config.json 'chat_template'); use /v1/completions`,
      'chat_template_missing',
    );
  }
  const plain: ChatMessage[] = messages.map((message) => ({
    // Templates predate OpenAI's 'developer' role; it is the system prompt.
    role: message.role === 'developer' ? 'system' : message.role,
    content:
      typeof message.content === 'string'
        ? message.content
        : message.content.map((part) => part.text).join(''),
  }));
  let text: string;
  try {
    text = tokenizer.applyChatTemplate(plain, { addGenerationPrompt: true });
  } catch (error) {
    throw ApiError.invalid('messages', `the chat template refused the messages: ${(error as Error).message}`);
  }
  return tokenizer.encode(text, { addSpecialTokens: false });
}

/** POST /v1/chat/completions */
export async function chatCompletions(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readJsonBody(req, ctx.limits.maxBodyBytes);
  const request = parseRequest(ctx.schemas.chat, body);
  checkModelName(ctx, request.model);
  const maxTokensParam = request.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const plan = planGeneration(
    ctx.model,
    { ...request, maxTokens: request.max_completion_tokens ?? request.max_tokens, maxTokensParam },
    chatPromptIds(ctx, request.messages),
    'messages',
    ctx.limits,
  );
  const shape = chatShape(ctx.model.id, request.stream_options?.include_usage === true);
  await serveGeneration(ctx, res, request, plan, shape);
}
