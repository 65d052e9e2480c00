import '@unmask/backend-ort';
import { generate } from '@unmask/diffusion';
import { getBackend } from '@unmask/tensor';
import { loadTokenizer } from '@unmask/tokenizer';
import { loadModel } from '@unmask/transformer';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index';
import { type ModelCopy, shippedModelCopy, TEST_CHAT_TEMPLATE } from './helpers/model-copy';
import { postJson, readSse, streamedText } from './helpers/sse';

const GEN = 16;

let copy: ModelCopy;
let server: RunningServer;
let client: OpenAI;
let model: string;

/** What `generate` gives for the prompt with the server's LLaDA defaults, cut at EOS. */
async function referenceText(dir: string, promptIds: number[]): Promise<string> {
  const tokenizer = await loadTokenizer(dir);
  const lm = loadModel(dir, { backend: getBackend() });
  const { response } = generate(lm, promptIds, { genLength: GEN, steps: GEN, blockLength: GEN });
  const ids = Array.from(response);
  const eos = ids.indexOf(lm.config.eosTokenId!);
  return tokenizer.decode(eos < 0 ? ids : ids.slice(0, eos), { skipSpecialTokens: true });
}

beforeAll(async () => {
  copy = shippedModelCopy(TEST_CHAT_TEMPLATE);
  server = await startServer({ modelDir: copy.dir, port: 0, concurrency: 2 });
  client = new OpenAI({ baseURL: `${server.url}v1`, apiKey: 'unused', maxRetries: 0 });
  model = server.model.id;
});

afterAll(async () => {
  await server?.close();
  copy?.remove();
});

describe('the official openai client against the server', () => {
  it('lists the served model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['llada-shakespeare']);
  });

  it('completes a prompt (non-stream) as generate does', async () => {
    const completion = await client.completions.create({ model, prompt: 'ROMEO:', max_tokens: GEN });
    const choice = completion.choices[0]!;
    const promptIds = server.model.tokenizer.encode('ROMEO:');
    expect(choice.text).toBe(await referenceText(copy.dir, promptIds));
    expect(choice.text.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(choice.finish_reason);
    expect(completion.usage).toMatchObject({ prompt_tokens: promptIds.length });
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(GEN);
  });

  it('streams a completion whose chunks add up to the non-stream text, with usage', async () => {
    const whole = await client.completions.create({ model, prompt: 'JULIET:', max_tokens: GEN });
    const stream = await client.completions.create({
      model,
      prompt: 'JULIET:',
      max_tokens: GEN,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('text_completion');
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        text += choice.text;
        finishes.push(choice.finish_reason);
      }
    }
    expect(text).toBe(whole.choices[0]!.text);
    expect(finishes.at(-1)).toBe(whole.choices[0]!.finish_reason);
    expect(usage).toEqual(whole.usage);
  });

  it('ends the text before a stop sequence, stream and non-stream alike', async () => {
    const promptIds = server.model.tokenizer.encode('ROMEO:');
    const full = await referenceText(copy.dir, promptIds);
    const stop = full.includes('\n\n') ? '\n\n' : full.slice(3, 6);
    expect(full.indexOf(stop)).toBeGreaterThan(0);
    const whole = await client.completions.create({ model, prompt: 'ROMEO:', max_tokens: GEN, stop });
    expect(whole.choices[0]!.text).toBe(full.slice(0, full.indexOf(stop)));
    expect(whole.choices[0]!.finish_reason).toBe('stop');
    const stream = await client.completions.create({
      model,
      prompt: 'ROMEO:',
      max_tokens: GEN,
      stop: [stop, 'never written'],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) for (const choice of chunk.choices) text += choice.text;
    expect(text).toBe(whole.choices[0]!.text);
  });

  it('answers chat messages through the chat template, stream and non-stream alike', async () => {
    const messages = [{ role: 'user' as const, content: 'Speak, good sir.' }];
    const whole = await client.chat.completions.create({ model, messages, max_tokens: GEN });
    const rendered = server.model.tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
    const promptIds = server.model.tokenizer.encode(rendered, { addSpecialTokens: false });
    expect(whole.choices[0]!.message).toMatchObject({ role: 'assistant' });
    expect(whole.choices[0]!.message.content).toBe(await referenceText(copy.dir, promptIds));
    expect(whole.usage!.prompt_tokens).toBe(promptIds.length);

    const stream = await client.chat.completions.create({
      model,
      messages,
      max_tokens: GEN,
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let role: string | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      role ??= chunk.choices[0]?.delta.role;
      content += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(role).toBe('assistant');
    expect(content).toBe(whole.choices[0]!.message.content);
    expect(usage).toEqual(whole.usage);
  });

  it('passes diffusion settings and the cache policy through the client in the unmask object', async () => {
    const completion = await client.completions.create({
      model,
      prompt: 'ROMEO:',
      max_tokens: GEN,
      // @ts-expect-error the extension object is not an OpenAI field
      unmask: { policy: 'dllm-cache', steps: 8, block_length: 8, prompt_interval: 4, response_interval: 2 },
    });
    const summary = (completion as unknown as { unmask: { policy: string; steps: number } }).unmask;
    expect(summary).toMatchObject({ policy: 'dllm-cache', steps: 8 });
    expect(completion.choices[0]!.text.length).toBeGreaterThan(0);
  });

  it('sends unmask.step progress events only when asked, each position committed once', async () => {
    const response = await postJson(`${server.url}v1/completions`, {
      model,
      prompt: 'ROMEO:',
      max_tokens: GEN,
      stream: true,
      unmask: { progress: true },
    });
    const events = await readSse(response);
    const steps = events.filter((e) => e.event === 'unmask.step').map((e) => JSON.parse(e.data));
    expect(steps).toHaveLength(GEN);
    const indices = steps.flatMap((s: { committed: { index: number }[] }) => s.committed.map((c) => c.index));
    expect(indices.sort((a, b) => a - b)).toEqual([...Array(GEN).keys()]);
    expect(steps[0]).toMatchObject({ step: 0, block: 0, length: GEN });
    expect(events.some((e) => e.event === 'unmask.done')).toBe(true);
    expect(events.at(-1)).toEqual({ event: 'message', data: '[DONE]' });

    const plain = await readSse(
      await postJson(`${server.url}v1/completions`, {
        model,
        prompt: 'ROMEO:',
        max_tokens: GEN,
        stream: true,
      }),
    );
    expect(plain.every((e) => e.event === 'message')).toBe(true);
    expect(streamedText(plain)).toBe(streamedText(events));
  });

  it('answers /health quickly while a long generation runs in the inference thread', async () => {
    const long = client.completions.create({ model, prompt: 'KING:', max_tokens: 64, stream: false });
    const latencies: number[] = [];
    let sawActive = false;
    for (let i = 0; i < 20 && latencies.length < 5; i++) {
      const started = performance.now();
      const health = (await (await fetch(`${server.url}health`)).json()) as {
        status: string;
        active: number;
      };
      if (health.active > 0) {
        sawActive = true;
        latencies.push(performance.now() - started);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await long;
    expect(sawActive).toBe(true);
    expect(Math.max(...latencies)).toBeLessThan(500);
  });

  it('reports requests, queue depth, throughput and the cache policy on /metrics', async () => {
    const response = await fetch(`${server.url}metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/unmask_http_requests_total\{endpoint="\/v1\/completions",status="200"\} \d+/);
    expect(text).toMatch(/unmask_queue_depth 0/);
    expect(text).toMatch(/unmask_tokens_per_second\{policy="none"\} \d/);
    expect(text).toMatch(/unmask_denoising_steps_per_second\{policy="none"\} \d/);
    expect(text).toMatch(/unmask_generations_total\{policy="dllm-cache",outcome="completed"\} 1/);
    expect(text).toMatch(/unmask_default_cache_policy_info\{policy="none"\} 1/);
    expect(text).toMatch(/unmask_process_resident_memory_bytes \d+/);
  });
});

describe('a server with an API key', () => {
  it('refuses requests without the key and serves the openai client that has it', async () => {
    const keyed = await startServer({ modelDir: copy.dir, port: 0, apiKey: 'sesame' });
    try {
      const refused = await postJson(`${keyed.url}v1/completions`, { model, prompt: 'A', max_tokens: 4 });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
      const wrong = new OpenAI({ baseURL: `${keyed.url}v1`, apiKey: 'open', maxRetries: 0 });
      await expect(wrong.models.list()).rejects.toMatchObject({ status: 401 });
      const right = new OpenAI({ baseURL: `${keyed.url}v1`, apiKey: 'sesame', maxRetries: 0 });
      const completion = await right.completions.create({ model, prompt: 'ROMEO:', max_tokens: 8 });
      expect(completion.choices).toHaveLength(1);
      expect((await fetch(`${keyed.url}health`)).status).toBe(200);
    } finally {
      await keyed.close();
    }
  });
});
