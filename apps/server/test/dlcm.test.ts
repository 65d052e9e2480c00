import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DlcmConfig,
  type DlcmModel,
  dlcmFlopsPerToken,
  generateDlcm,
  loadDlcm,
  randomDlcmTensors,
  tinyDlcmConfig,
  writeDlcmCheckpoint,
} from '@unmask/dlcm';
import { getBackend } from '@unmask/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index';
import { SHIPPED_MODEL_DIR } from './helpers/model-copy';
import { postJson, readSse, streamedText } from './helpers/sse';

/** A random DLCM over the shipped model's tokenizer (vocab 2048, `<|endoftext|>` = 2046). */
const config: DlcmConfig = tinyDlcmConfig({
  vocabSize: 2048,
  conceptPath: { backbone: { numLayers: 1, numHeads: 4, numKvHeads: 2, headDim: 6, intermediateSize: 48 } },
  eosTokenId: 2046,
  padTokenId: 2046,
});

let dir: string;
let model: DlcmModel;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unmask-serve-dlcm-'));
  writeDlcmCheckpoint(dir, config, randomDlcmTensors(config, 11));
  for (const file of ['tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(SHIPPED_MODEL_DIR, file), join(dir, file));
  model = loadDlcm(dir, { backend: getBackend('cpu') });
  server = await startServer({ modelDir: dir, port: 0, concurrency: 1, backend: 'cpu' });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** generateDlcm's text for the prompt, cut at EOS. */
function referenceText(prompt: string, options: Parameters<typeof generateDlcm>[2]): string {
  const { ids } = generateDlcm(model, server.model.tokenizer.encode(prompt), options);
  return server.model.tokenizer.decode(ids, { skipSpecialTokens: true });
}

describe('serving a DLCM', () => {
  it('completes as generateDlcm does, streamed token by token and not', async () => {
    const body = {
      model: server.model.id,
      prompt: 'ROMEO:',
      max_tokens: 12,
      temperature: 0.9,
      top_p: 0.9,
      seed: 4,
    };
    const expected = referenceText('ROMEO:', { maxNewTokens: 12, temperature: 0.9, topP: 0.9, seed: 4 });
    const whole = (await (await postJson(`${server.url}v1/completions`, body)).json()) as {
      choices: { text: string }[];
      unmask: { flops: number };
    };
    expect(expected.length).toBeGreaterThan(0);
    expect(whole.choices[0]!.text).toBe(expected);
    // The FLOPs estimate of everything fed, at the realised tokens per concept.
    const prompt = server.model.tokenizer.encode('ROMEO:');
    const { session } = generateDlcm(model, prompt, {
      maxNewTokens: 12,
      temperature: 0.9,
      topP: 0.9,
      seed: 4,
    });
    const perToken = dlcmFlopsPerToken(config, {
      tokensPerConcept: session.length / session.conceptCount,
      sequenceLength: session.length,
    });
    expect(whole.unmask.flops).toBeCloseTo(perToken.total * session.length, 0);
    expect(whole.unmask.flops).toBeGreaterThan(0);
    const events = await readSse(await postJson(`${server.url}v1/completions`, { ...body, stream: true }));
    expect(streamedText(events)).toBe(expected);
  });

  it('refuses diffusion settings by name', async () => {
    const response = await postJson(`${server.url}v1/completions`, {
      model: server.model.id,
      prompt: 'ROMEO:',
      max_tokens: 8,
      unmask: { steps: 4 },
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { param: string; message: string } };
    expect(error.param).toBe('unmask.steps');
    expect(error.message).toMatch(/applies to diffusion models only/);
  });
});
