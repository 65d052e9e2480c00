import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, startFakeHub } from '../../../packages/hub/test/support/fake-hub';
import { FIXTURES, lastJsonLine, runCli, runCliAsync } from './run-cli';

/** A real checkpoint served by a loopback imitation of the hub, pulled and then used from the cache. */
describe('unmask pull', () => {
  let hub: FakeHub;
  const cache = mkdtempSync(join(tmpdir(), 'unmask-cli-hf-cache-'));

  beforeAll(async () => {
    const read = (file: string) => new Uint8Array(readFileSync(join(FIXTURES, 'llada-tiny-1', file)));
    hub = await startFakeHub({
      'tiny/llada': {
        commit: 'a'.repeat(40),
        files: { 'config.json': read('config.json'), 'model.safetensors': read('model.safetensors') },
      },
    });
  });
  afterAll(() => hub.close());

  it('downloads into the Hugging Face cache, then the model runs from there by name', async () => {
    const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '' };
    // The fake hub answers from this process, so the CLI must not block it.
    const pulled = await runCliAsync(['pull', 'tiny/llada', '--json'], env);
    expect(pulled.code, pulled.stderr).toBe(0);
    const resolved = lastJsonLine<{ dir: string; source: string; commit: string }>(pulled.stdout);
    expect(resolved.source).toBe('download');
    expect(resolved.dir).toBe(join(cache, 'models--tiny--llada', 'snapshots', 'a'.repeat(40)));

    const again = await runCliAsync(['pull', 'tiny/llada'], env);
    expect(again.stderr).toMatch(/already in the cache/);

    const logits = runCli(['logits', '--model', 'tiny/llada', '--ids', '1,2', '--json'], {
      ...env,
      HF_HUB_OFFLINE: '1',
    });
    expect(logits.code, logits.stderr).toBe(0);
    expect(lastJsonLine<{ logits: number[][] }>(logits.stdout).logits).toHaveLength(2);
  });

  it('says where it looked when the hub cannot be reached', async () => {
    const offline = await runCliAsync(['pull', 'tiny/missing'], { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1' });
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/offline mode is on/);
    expect(offline.stderr).not.toMatch(/\n\s+at /);
  });
});
