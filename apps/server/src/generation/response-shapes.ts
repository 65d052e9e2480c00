import { randomBytes } from 'node:crypto';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = 'stop' | 'length';

/** What a response reports of the diffusion run, beyond OpenAI's fields. */
export interface UnmaskSummary {
  policy: string;
  steps: number;
  flops: number;
  gen_length: number;
  seconds: number;
}

/** OpenAI's objects for one endpoint: the whole response, and the chunks of a stream. */
export interface ResponseShape {
  readonly id: string;
  full(text: string, finish: FinishReason, usage: Usage, summary: UnmaskSummary): object;
  /** The chunk that opens a stream, if the endpoint has one (chat: the assistant role). */
  opening(): object | undefined;
  text(delta: string): object;
  finish(reason: FinishReason): object;
  usage(usage: Usage): object;
}

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

/** `/v1/completions`: `text_completion` objects. */
export function completionShape(model: string, includeUsage: boolean): ResponseShape {
  const id = newId('cmpl');
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choice: object) => ({
    id,
    object: 'text_completion',
    created,
    model,
    choices: [{ index: 0, logprobs: null, ...choice }],
    ...(includeUsage ? { usage: null } : {}),
  });
  return {
    id,
    full: (text, finish, usage, summary) => ({
      id,
      object: 'text_completion',
      created,
      model,
      choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
      usage,
      unmask: summary,
    }),
    opening: () => undefined,
    text: (delta) => chunk({ text: delta, finish_reason: null }),
    finish: (reason) => chunk({ text: '', finish_reason: reason }),
    usage: (usage) => ({ id, object: 'text_completion', created, model, choices: [], usage }),
  };
}

/** `/v1/chat/completions`: `chat.completion` and `chat.completion.chunk` objects. */
export function chatShape(model: string, includeUsage: boolean): ResponseShape {
  const id = newId('chatcmpl');
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish: FinishReason | null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  return {
    id,
    full: (text, finish, usage, summary) => ({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        { index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: finish },
      ],
      usage,
      unmask: summary,
    }),
    opening: () => chunk({ role: 'assistant', content: '' }, null),
    text: (delta) => chunk({ content: delta }, null),
    finish: (reason) => chunk({}, reason),
    usage: (usage) => ({ id, object: 'chat.completion.chunk', created, model, choices: [], usage }),
  };
}
