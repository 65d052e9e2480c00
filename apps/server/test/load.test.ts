import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index';
import { type ModelCopy, shippedModelCopy } from './helpers/model-copy';
import { postJson, readSse, type SseEvent, streamedText } from './helpers/sse';

const STREAMS = 32;
const GEN = 16;
const PROMPTS = ['ROMEO:', 'JULIET:', 'KING HENRY:', 'First Citizen:'];

/** Heap bytes of this process and of the inference thread, each after a full collection. */
async function heaps(server: RunningServer): Promise<{ main: number; inference: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the load test needs --expose-gc (apps/server/vitest.config.ts passes it)');
  gc();
  gc();
  return { main: process.memoryUsage().heapUsed, inference: await server.inferenceHeapUsed() };
}

function request(server: RunningServer, prompt: string, signal?: AbortSignal): Promise<Response> {
  return postJson(
    `${server.url}v1/completions`,
    {
      model: server.model.id,
      prompt,
      max_tokens: GEN,
      stream: true,
      stream_options: { include_usage: true },
      // The client that leaves asks for step events, so it leaves after a known number of steps.
      ...(signal ? { unmask: { progress: true } } : {}),
    },
    signal ? { signal } : {},
  );
}

/** A stream is complete when it ends with a finish chunk, a usage chunk and [DONE]. */
function expectComplete(events: SseEvent[], expectedText: string): void {
  expect(events.at(-1)?.data).toBe('[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
  expect(chunks.at(-1).usage.completion_tokens).toBeLessThanOrEqual(GEN);
  expect(['stop', 'length']).toContain(chunks.at(-2).choices[0].finish_reason);
  expect(streamedText(events)).toBe(expectedText);
}

let copy: ModelCopy;
let server: RunningServer;
const expected = new Map<string, string>();

beforeAll(async () => {
  copy = shippedModelCopy(undefined);
  server = await startServer({ modelDir: copy.dir, port: 0, concurrency: 3, maxQueue: STREAMS });
  // Warm-up: every prompt once (builds the backend's sessions), and the reference texts.
  for (const prompt of PROMPTS)
    expected.set(prompt, streamedText(await readSse(await request(server, prompt))));
});

afterAll(async () => {
  await server?.close();
  copy?.remove();
});

interface RoundStats {
  seconds: number;
  deepestQueue: number;
}

/**
 * STREAMS concurrent streams (and, if asked, one client that leaves after two step events), each
 * checked complete; the events are dropped on return so the heap measured next holds none of them.
 */
async function round(withLeaver: boolean): Promise<RoundStats> {
  let deepestQueue = 0;
  const watch = setInterval(() => {
    deepestQueue = Math.max(deepestQueue, server.load().queued);
  }, 5);
  const started = performance.now();
  const leaving = new AbortController();
  let leaverEvents = 0;
  const leaver = withLeaver
    ? request(server, 'ROMEO:', leaving.signal).then((response) =>
        readSse(response, () => {
          if (++leaverEvents === 2) leaving.abort();
        }),
      )
    : undefined;
  const streams = Array.from({ length: STREAMS }, async (_, i) => {
    const prompt = PROMPTS[i % PROMPTS.length]!;
    const response = await request(server, prompt);
    expect(response.status).toBe(200);
    expectComplete(await readSse(response), expected.get(prompt)!);
  });
  await Promise.all(streams);
  const left = await leaver;
  const seconds = (performance.now() - started) / 1000;
  clearInterval(watch);
  if (left) {
    expect(leaverEvents).toBeGreaterThanOrEqual(2);
    expect(left.some((e) => e.data === '[DONE]')).toBe(false);
  }
  expect(server.load()).toEqual({ active: 0, queued: 0 });
  return { seconds, deepestQueue };
}

describe('load on loopback', () => {
  it(`serves ${STREAMS} concurrent streams and a client that leaves, then drains to its baseline`, async () => {
    // A first, identical round opens the keep-alive connections (both ends) that the measured round
    // reuses and runs every code path once (V8 compiles and keeps what it ran).
    const beforeAnyLoad = await heaps(server);
    const warm = await round(true);
    const baseline = await heaps(server);
    const measured = await round(true);
    const after = await heaps(server);

    const metrics = await (await fetch(`${server.url}metrics`)).text();
    expect(metrics).toMatch(/unmask_generations_total\{policy="none",outcome="cancelled"\} 2/);
    expect(metrics).toMatch(/unmask_queue_depth 0/);
    expect(measured.deepestQueue).toBeGreaterThan(STREAMS / 2);

    const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
    const growth = { main: after.main - baseline.main, inference: after.inference - baseline.inference };
    console.log(
      `load: ${STREAMS} streams + 1 leaver in ${measured.seconds.toFixed(2)} s ` +
        `(${((STREAMS * GEN) / measured.seconds).toFixed(0)} tokens/s; warm-up round ${warm.seconds.toFixed(2)} s), ` +
        `deepest queue ${measured.deepestQueue}; heap after GC vs the warm baseline: main ${kib(growth.main)} ` +
        `of ${kib(baseline.main)}, inference thread ${kib(growth.inference)} of ${kib(baseline.inference)}; ` +
        `the first round's sockets added ${kib(baseline.main - beforeAnyLoad.main)} (main)`,
    );
    // Each request kept alive would hold its socket state, SSE writer, closures and committed text:
    // tens of KiB, so 33 of them well over 512 KiB. What else moves after a full GC (V8 inline
    // caches, prom-client label sets) stays within a few tens of KiB.
    expect(growth.main).toBeLessThan(512 * 1024);
    expect(growth.inference).toBeLessThan(512 * 1024);
  });
});
