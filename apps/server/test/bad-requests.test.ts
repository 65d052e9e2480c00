import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index';
import { type ModelCopy, shippedModelCopy } from './helpers/model-copy';

interface BadRequest {
  name: string;
  method?: string;
  path?: string;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  status: number;
  param: string | null;
  code?: string;
  message?: RegExp;
}

const MODEL = 'llada-shakespeare';
const ok = { model: MODEL, prompt: 'ROMEO:', max_tokens: 8 };
const chat = { model: MODEL, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8 };

const CASES: BadRequest[] = [
  { name: 'malformed JSON', body: '{"model": "x",', status: 400, param: null, code: 'invalid_json' },
  { name: 'an empty body', body: '', status: 400, param: null, code: 'invalid_json' },
  { name: 'a JSON array body', body: '[1, 2]', status: 400, param: null },
  {
    name: 'a missing model',
    body: { prompt: 'A' },
    status: 400,
    param: 'model',
    message: /'model' is required/,
  },
  { name: 'a missing prompt', body: { model: MODEL }, status: 400, param: 'prompt' },
  { name: 'a prompt of the wrong type', body: { ...ok, prompt: 42 }, status: 400, param: 'prompt' },
  { name: 'a batch of two prompts', body: { ...ok, prompt: ['A', 'B'] }, status: 400, param: 'prompt' },
  { name: 'an empty prompt', body: { ...ok, prompt: '' }, status: 400, param: 'prompt' },
  { name: 'max_tokens as a string', body: { ...ok, max_tokens: '8' }, status: 400, param: 'max_tokens' },
  { name: 'max_tokens over the limit', body: { ...ok, max_tokens: 65 }, status: 400, param: 'max_tokens' },
  { name: 'max_tokens of 0', body: { ...ok, max_tokens: 0 }, status: 400, param: 'max_tokens' },
  { name: 'a fractional max_tokens', body: { ...ok, max_tokens: 2.5 }, status: 400, param: 'max_tokens' },
  { name: 'a negative temperature', body: { ...ok, temperature: -1 }, status: 400, param: 'temperature' },
  {
    name: 'an unknown field',
    body: { ...ok, frobnicate: true },
    status: 400,
    param: 'frobnicate',
    code: 'unsupported_parameter',
  },
  { name: 'n = 2', body: { ...ok, n: 2 }, status: 400, param: 'n' },
  { name: 'an empty stop sequence', body: { ...ok, stop: '' }, status: 400, param: 'stop' },
  {
    name: 'five stop sequences',
    body: { ...ok, stop: ['a', 'b', 'c', 'd', 'e'] },
    status: 400,
    param: 'stop',
  },
  { name: 'a stop sequence that is not a string', body: { ...ok, stop: [7] }, status: 400, param: 'stop' },
  { name: 'logprobs', body: { ...ok, logprobs: 3 }, status: 400, param: 'logprobs' },
  { name: 'stream as a string', body: { ...ok, stream: 'yes' }, status: 400, param: 'stream' },
  {
    name: 'stream_options without stream',
    body: { ...ok, stream_options: { include_usage: true } },
    status: 400,
    param: 'stream_options',
  },
  {
    name: 'an unknown stream_options field',
    body: { ...ok, stream: true, stream_options: { sometimes: true } },
    status: 400,
    param: 'stream_options.sometimes',
  },
  {
    name: 'an unknown unmask field',
    body: { ...ok, unmask: { bogus: 1 } },
    status: 400,
    param: 'unmask.bogus',
    code: 'unsupported_parameter',
  },
  {
    name: 'an unknown cache policy',
    body: { ...ok, unmask: { policy: 'magic' } },
    status: 400,
    param: 'unmask.policy',
  },
  {
    name: 'steps of the wrong type',
    body: { ...ok, unmask: { steps: 'many' } },
    status: 400,
    param: 'unmask.steps',
  },
  {
    name: 'steps not a multiple of the blocks',
    body: { ...ok, max_tokens: 8, unmask: { block_length: 4, steps: 3 } },
    status: 400,
    param: 'unmask.steps',
  },
  {
    name: 'a block length that does not divide max_tokens',
    body: { ...ok, max_tokens: 8, unmask: { block_length: 3 } },
    status: 400,
    param: 'unmask.block_length',
  },
  {
    name: 'a Dream option on a LLaDA model',
    body: { ...ok, unmask: { alg: 'entropy' } },
    status: 400,
    param: 'unmask.alg',
    code: 'unsupported_parameter',
  },
  {
    name: 'a dllm-cache option with another policy',
    body: { ...ok, unmask: { prompt_interval: 4 } },
    status: 400,
    param: 'unmask.prompt_interval',
  },
  { name: 'top_p on LLaDA', body: { ...ok, top_p: 0.5 }, status: 400, param: 'top_p' },
  {
    name: 'a prompt over the token limit',
    body: { ...ok, prompt: 'To be, or not to be. '.repeat(20) },
    status: 400,
    param: 'prompt',
    code: 'context_length_exceeded',
  },
  {
    name: 'a token id outside the vocabulary',
    body: { ...ok, prompt: [5, 99_999] },
    status: 400,
    param: 'prompt',
  },
  { name: 'the mask token in the prompt', body: { ...ok, prompt: [5, 2047] }, status: 400, param: 'prompt' },
  {
    name: 'a model not served',
    body: { ...ok, model: 'gpt-4' },
    status: 404,
    param: 'model',
    code: 'model_not_found',
  },
  {
    name: 'a huge body',
    body: { ...ok, prompt: 'x'.repeat(10_000) },
    status: 413,
    param: null,
    code: 'request_too_large',
  },
  { name: 'GET on a POST endpoint', method: 'GET', status: 405, param: null, code: 'method_not_allowed' },
  {
    name: 'an unknown path',
    path: '/v1/engines',
    method: 'GET',
    status: 404,
    param: null,
    code: 'unknown_url',
  },
  { name: 'an unknown model id', path: '/v1/models/nope', method: 'GET', status: 404, param: 'model' },
  {
    name: 'chat: no messages',
    path: '/v1/chat/completions',
    body: { ...chat, messages: [] },
    status: 400,
    param: 'messages',
  },
  {
    name: 'chat: a bad role',
    path: '/v1/chat/completions',
    body: { ...chat, messages: [{ role: 'wizard', content: 'Hi' }] },
    status: 400,
    param: 'messages[0].role',
  },
  {
    name: 'chat: content of the wrong type',
    path: '/v1/chat/completions',
    body: { ...chat, messages: [{ role: 'user', content: 7 }] },
    status: 400,
    param: 'messages[0].content',
  },
  {
    name: 'chat: tools',
    path: '/v1/chat/completions',
    body: { ...chat, tools: [] },
    status: 400,
    param: 'tools',
    code: 'unsupported_parameter',
  },
  {
    name: 'chat: a model without a chat template',
    path: '/v1/chat/completions',
    body: chat,
    status: 400,
    param: 'messages',
    code: 'chat_template_missing',
  },
];

let copy: ModelCopy;
let server: RunningServer;

beforeAll(async () => {
  copy = shippedModelCopy(undefined);
  server = await startServer({
    modelDir: copy.dir,
    port: 0,
    maxTokens: 64,
    maxPromptTokens: 32,
    maxBodyBytes: 4096,
  });
});

afterAll(async () => {
  await server?.close();
  copy?.remove();
});

describe('bad requests', () => {
  it.each(CASES)('$name: $status naming $param', async (c) => {
    const method = c.method ?? 'POST';
    const response = await fetch(`${server.url}${(c.path ?? '/v1/completions').slice(1)}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(method === 'POST' ? { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) } : {}),
    });
    const text = await response.text();
    expect(response.status, text).toBe(c.status);
    expect(response.headers.get('content-type')).toBe('application/json');
    const { error } = JSON.parse(text) as { error: Record<string, unknown> };
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(error['param']).toBe(c.param);
    if (c.code) expect(error['code']).toBe(c.code);
    expect(error['message']).toEqual(expect.any(String));
    if (c.message) expect(error['message']).toMatch(c.message);
    expect(text).not.toMatch(/\n\s+at |\.ts:\d+/);
  });

  it('answers 429 with Retry-After when the queue is full, and keeps serving', async () => {
    const tight = await startServer({ modelDir: copy.dir, port: 0, concurrency: 1, maxQueue: 1 });
    try {
      const body = { ...ok, max_tokens: 32 };
      const first = fetch(`${tight.url}v1/completions`, { method: 'POST', body: JSON.stringify(body) });
      const second = fetch(`${tight.url}v1/completions`, { method: 'POST', body: JSON.stringify(body) });
      while (tight.load().queued < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      const third = await fetch(`${tight.url}v1/completions`, { method: 'POST', body: JSON.stringify(body) });
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await third.json()) as { error: { code: string } }).error.code).toBe('queue_full');
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
    } finally {
      await tight.close();
    }
  });

  it('is still healthy after all of them', async () => {
    expect((await fetch(`${server.url}health`)).status).toBe(200);
  });
});
