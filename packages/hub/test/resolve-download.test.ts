import fs from 'node:fs';
import { join } from 'node:path';
import { f32Data } from '@unmask/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type DownloadProgress,
  HubAccessError,
  HubDownloadError,
  HubIntegrityError,
  HubNotFoundError,
  HubOfflineError,
  type HubOptions,
  ModelNotFoundError,
  openCheckpoint,
  resolveModel,
} from '../src/index';
import {
  closedEndpoint,
  type FakeHub,
  type FakeHubFaults,
  type FakeRepo,
  gitBlobSha1,
  sha256Hex,
  startFakeHub,
} from './support/fake-hub';
import { useTempDirs } from './support/temp-dirs';
import { safetensorsBytes, tinyModelFiles, utf8 } from './support/tiny-model';

const tempDir = useTempDirs();

const COMMIT = 'c0ffee'.padEnd(40, '0');
const WEIGHTS_FLOATS = 64 * 1024; // 256 KiB of weights, so a connection can be cut mid-file

let hub: FakeHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function serve(repos: Record<string, FakeRepo>, faults?: FakeHubFaults): Promise<FakeHub> {
  hub = await startFakeHub(repos, faults);
  return hub;
}

/** Options isolated from the machine: a fresh cache, the fake hub, and no HF_* variables from the environment. */
function options(endpoint: string, extra: HubOptions = {}): HubOptions & { cacheDir: string } {
  return { cacheDir: tempDir(), endpoint, env: {}, retries: 2, ...extra };
}

const repoDirOf = (cacheDir: string, repo: string) => join(cacheDir, `models--${repo.replace('/', '--')}`);
const cdnGets = (h: FakeHub) => h.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/cdn/'));

describe('resolveModel downloading hf:org/name into the cache', () => {
  it('fetches config, the tokenizer files that exist and the weights, laid out as huggingface_hub does', async () => {
    const files = tinyModelFiles(WEIGHTS_FLOATS);
    const { endpoint } = await serve({ 'org/tiny': { commit: COMMIT, files } });
    const events: DownloadProgress[] = [];
    const opts = options(endpoint, { onProgress: (p) => events.push(p) });

    const resolved = await resolveModel('hf:org/tiny', opts);

    const repoDir = repoDirOf(opts.cacheDir, 'org/tiny');
    expect(resolved).toEqual({
      dir: join(repoDir, 'snapshots', COMMIT),
      source: 'download',
      repo: 'org/tiny',
      revision: 'main',
      commit: COMMIT,
    });
    expect(fs.readFileSync(join(repoDir, 'refs', 'main'), 'utf8')).toBe(COMMIT);
    for (const [name, content] of Object.entries(files)) {
      const pointer = join(resolved.dir, name);
      const etag = name.endsWith('.safetensors') ? sha256Hex(content) : gitBlobSha1(content);
      expect(fs.lstatSync(pointer).isSymbolicLink(), name).toBe(true);
      expect(fs.readlinkSync(pointer)).toBe(`../../blobs/${etag}`);
      expect(fs.readFileSync(pointer).equals(content), name).toBe(true);
    }
    expect(fs.readdirSync(resolved.dir).sort()).toEqual(Object.keys(files).sort());
    expect(fs.existsSync(join(repoDir, '.no_exist', COMMIT, 'vocab.json'))).toBe(true);
    expect(fs.readdirSync(join(repoDir, 'blobs')).some((f) => f.endsWith('.incomplete'))).toBe(false);

    const checkpoint = openCheckpoint(resolved.dir);
    expect(f32Data(checkpoint.readF32('w.weight'))[1]).toBeCloseTo(Math.sin(1), 6);
    checkpoint.close();

    const total = Object.values(files).reduce((sum, f) => sum + f.length, 0);
    expect(events.at(-1)).toMatchObject({ bytes: total, total });
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.bytes).toBeGreaterThanOrEqual(events[i - 1]!.bytes);
    expect(events.every((e) => e.fileBytes <= e.fileTotal && e.total === total)).toBe(true);
    const weights = events.filter((e) => e.file === 'model.safetensors');
    expect(weights.at(-1)).toMatchObject({ fileBytes: files['model.safetensors']!.length });
  });

  it('then serves the model from the cache with no request, as hf:, bare and offline', async () => {
    const fake = await serve({ 'org/tiny': { commit: COMMIT, files: tinyModelFiles() } });
    const opts = options(fake.endpoint);
    const downloaded = await resolveModel('hf:org/tiny', opts);
    const before = fake.requests.length;
    expect(await resolveModel('hf:org/tiny', opts)).toMatchObject({ dir: downloaded.dir, source: 'cache' });
    expect(await resolveModel('org/tiny', opts)).toMatchObject({ dir: downloaded.dir, source: 'cache' });
    const offlineEnv = { ...opts, env: { HF_HUB_OFFLINE: '1' } };
    expect(await resolveModel('hf:org/tiny', offlineEnv)).toMatchObject({
      dir: downloaded.dir,
      source: 'cache',
    });
    expect(fake.requests.length).toBe(before);
  });

  it('downloads a sharded checkpoint: the index and every shard it names', async () => {
    const shard = (name: string, value: number) =>
      safetensorsBytes({ [name]: { dtype: 'F32', shape: [4], data: new Float32Array(4).fill(value) } });
    const index = {
      metadata: { total_size: 32 },
      weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
    };
    const files = {
      'config.json': utf8('{}'),
      'model.safetensors.index.json': utf8(JSON.stringify(index)),
      'model-00001-of-00002.safetensors': shard('a', 1),
      'model-00002-of-00002.safetensors': shard('b', 2),
    };
    const { endpoint } = await serve({ 'org/sharded': { commit: COMMIT, files } });
    const resolved = await resolveModel('hf:org/sharded', options(endpoint));
    const checkpoint = openCheckpoint(resolved.dir);
    expect([...f32Data(checkpoint.readF32('b'))]).toEqual([2, 2, 2, 2]);
    checkpoint.close();
  });

  it('resumes with a Range request after the connection drops mid-file, ending with a correct file', async () => {
    const files = tinyModelFiles(WEIGHTS_FLOATS);
    const fake = await serve(
      { 'org/tiny': { commit: COMMIT, files } },
      { dropAfter: { 'model.safetensors': { bytes: 100_000, times: 2 } } },
    );
    const resolved = await resolveModel('hf:org/tiny', options(fake.endpoint));
    expect(cdnGets(fake).map((r) => r.range)).toEqual([undefined, 'bytes=100000-', 'bytes=200000-']);
    expect(fs.readFileSync(join(resolved.dir, 'model.safetensors')).equals(files['model.safetensors']!)).toBe(
      true,
    );
  });

  it('gives up with a HubDownloadError when attempts keep failing without a byte, keeping the partial file', async () => {
    const files = tinyModelFiles(WEIGHTS_FLOATS);
    const fake = await serve(
      { 'org/tiny': { commit: COMMIT, files } },
      { dropAfter: { 'model.safetensors': { bytes: 0, times: 100 } } },
    );
    const opts = options(fake.endpoint, { retries: 1 });
    const attempt = resolveModel('hf:org/tiny', opts);
    await expect(attempt).rejects.toThrow(HubDownloadError);
    await expect(attempt).rejects.toThrow(
      /model\.safetensors failed 2 times in a row at byte 0 .*run again to resume/,
    );
    const partial = `${sha256Hex(files['model.safetensors']!)}.incomplete`;
    expect(fs.readdirSync(join(repoDirOf(opts.cacheDir, 'org/tiny'), 'blobs'))).toContain(partial);
  });

  it('resumes a download an earlier run left in blobs/<sha256>.incomplete', async () => {
    const files = tinyModelFiles(WEIGHTS_FLOATS);
    const fake = await serve({ 'org/tiny': { commit: COMMIT, files } });
    const opts = options(fake.endpoint);
    const weights = files['model.safetensors']!;
    const blobs = join(repoDirOf(opts.cacheDir, 'org/tiny'), 'blobs');
    fs.mkdirSync(blobs, { recursive: true });
    fs.writeFileSync(join(blobs, `${sha256Hex(weights)}.incomplete`), weights.subarray(0, 12_345));
    const resolved = await resolveModel('hf:org/tiny', opts);
    expect(cdnGets(fake).map((r) => r.range)).toEqual(['bytes=12345-']);
    expect(fs.readFileSync(join(resolved.dir, 'model.safetensors')).equals(weights)).toBe(true);
  });

  it('a corrupted file is a HubIntegrityError and leaves nothing in snapshots/ or blobs/', async () => {
    const fake = await serve(
      { 'org/tiny': { commit: COMMIT, files: tinyModelFiles() } },
      { corrupt: ['model.safetensors'] },
    );
    const opts = options(fake.endpoint);
    const attempt = resolveModel('hf:org/tiny', opts);
    await expect(attempt).rejects.toThrow(HubIntegrityError);
    await expect(attempt).rejects.toThrow(/org\/tiny\/model\.safetensors: sha256 [0-9a-f]{64} differs/);
    const repoDir = repoDirOf(opts.cacheDir, 'org/tiny');
    const weightsSha = sha256Hex(tinyModelFiles()['model.safetensors']!);
    expect(fs.existsSync(join(repoDir, 'snapshots', COMMIT, 'model.safetensors'))).toBe(false);
    expect(fs.readdirSync(join(repoDir, 'blobs')).filter((f) => f.startsWith(weightsSha))).toEqual([]);
    expect(fs.existsSync(join(repoDir, 'refs', 'main'))).toBe(false);
    await expect(resolveModel('org/tiny', opts)).rejects.toThrow(ModelNotFoundError);
  });

  it('a missing repository is HubNotFoundError naming it', async () => {
    const { endpoint } = await serve({});
    const attempt = resolveModel('hf:org/missing', options(endpoint));
    await expect(attempt).rejects.toThrow(HubNotFoundError);
    await expect(attempt).rejects.toThrow(/repository org\/missing not found/);
  });

  it('an unknown revision, or a repository without config.json or safetensors weights, is HubNotFoundError', async () => {
    const { endpoint } = await serve({
      'org/tiny': { commit: COMMIT, files: tinyModelFiles() },
      'org/noconfig': {
        commit: COMMIT,
        files: { 'model.safetensors': tinyModelFiles()['model.safetensors']! },
      },
      'org/pytorch': { commit: COMMIT, files: { 'config.json': utf8('{}'), 'pytorch_model.bin': utf8('x') } },
    });
    await expect(resolveModel('hf:org/tiny@v9', options(endpoint))).rejects.toThrow(
      /revision "v9" not found/,
    );
    await expect(resolveModel('hf:org/noconfig', options(endpoint))).rejects.toThrow(/has no config\.json/);
    await expect(resolveModel('hf:org/pytorch', options(endpoint))).rejects.toThrow(
      /neither model\.safetensors nor model\.safetensors\.index\.json/,
    );
  });

  it('a gated repository is HubAccessError without a token and downloads with one (option or $HF_TOKEN)', async () => {
    const fake = await serve({
      'org/gated': { commit: COMMIT, files: tinyModelFiles(), gatedToken: 'hf_secret' },
    });
    const attempt = resolveModel('hf:org/gated', options(fake.endpoint));
    await expect(attempt).rejects.toThrow(HubAccessError);
    await expect(attempt).rejects.toThrow(/org\/gated is gated.*set HF_TOKEN/);
    await expect(resolveModel('hf:org/gated', options(fake.endpoint, { token: 'wrong' }))).rejects.toThrow(
      /the token given has no access/,
    );
    expect((await resolveModel('hf:org/gated', options(fake.endpoint, { token: 'hf_secret' }))).source).toBe(
      'download',
    );
    const viaEnv = await resolveModel(
      'hf:org/gated',
      options(fake.endpoint, { env: { HF_TOKEN: 'hf_secret' } }),
    );
    expect(viaEnv.source).toBe('download');
    expect(fake.requests.at(-1)?.authorization).toBe('Bearer hf_secret');
  });

  it('a named revision is fetched at its commit and recorded in refs/<revision>', async () => {
    const fake = await serve({ 'org/tiny': { commit: COMMIT, files: tinyModelFiles(), refs: ['v1'] } });
    const opts = options(fake.endpoint);
    const resolved = await resolveModel('hf:org/tiny@v1', opts);
    expect(resolved).toMatchObject({ revision: 'v1', commit: COMMIT });
    expect(fs.readFileSync(join(repoDirOf(opts.cacheDir, 'org/tiny'), 'refs', 'v1'), 'utf8')).toBe(COMMIT);
    const paths = fake.requests.map((r) => r.path).filter((p) => p.includes('/resolve/'));
    expect(paths[0]).toBe('/org/tiny/resolve/v1/config.json');
    expect(paths.slice(1).every((p) => p.includes(`/resolve/${COMMIT}/`))).toBe(true);
  });

  it('follows the relative redirect of a renamed repository, caching under the name asked for', async () => {
    const { endpoint } = await serve({
      'org/new-name': { commit: COMMIT, files: tinyModelFiles() },
      'org/old-name': { commit: COMMIT, files: {}, movedTo: 'org/new-name' },
    });
    const opts = options(endpoint);
    const resolved = await resolveModel('hf:org/old-name', opts);
    expect(resolved.dir).toBe(join(repoDirOf(opts.cacheDir, 'org/old-name'), 'snapshots', COMMIT));
    expect(fs.existsSync(join(resolved.dir, 'model.safetensors'))).toBe(true);
  });

  it('an unreachable endpoint is HubOfflineError naming the endpoint and the cache path', async () => {
    const endpoint = await closedEndpoint();
    const opts = options(endpoint);
    const attempt = resolveModel('hf:org/tiny', opts);
    await expect(attempt).rejects.toThrow(HubOfflineError);
    await expect(attempt).rejects.toThrow(
      `cannot reach ${endpoint} (ECONNREFUSED); the model is not in the Hugging Face cache at ${repoDirOf(opts.cacheDir, 'org/tiny')}`,
    );
  });

  it('offline mode ($HF_HUB_OFFLINE=1) fails fast without a request when the model is not cached', async () => {
    const fake = await serve({ 'org/tiny': { commit: COMMIT, files: tinyModelFiles() } });
    const attempt = resolveModel('hf:org/tiny', options(fake.endpoint, { env: { HF_HUB_OFFLINE: '1' } }));
    await expect(attempt).rejects.toThrow(HubOfflineError);
    await expect(attempt).rejects.toThrow(/offline mode is on/);
    expect(fake.requests).toEqual([]);
  });
});
