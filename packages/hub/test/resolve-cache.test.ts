import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultCacheDir,
  HubOfflineError,
  ModelNotFoundError,
  openCheckpoint,
  parseRepoSpec,
  resolveModel,
} from '../src/index';
import { addToFakeCache } from './support/fake-hf-cache';
import { closedEndpoint } from './support/fake-hub';
import { useTempDirs } from './support/temp-dirs';
import { safetensorsBytes, tinyModelFiles, utf8 } from './support/tiny-model';

const tempDir = useTempDirs();

const COMMIT_A = '1'.repeat(40);
const COMMIT_B = '2'.repeat(40);

describe('defaultCacheDir follows huggingface_hub', () => {
  const home = os.homedir();
  it('$HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub', () => {
    expect(defaultCacheDir({ HF_HUB_CACHE: '/c', HF_HOME: '/h' })).toBe('/c');
    expect(defaultCacheDir({ HF_HOME: '/h', XDG_CACHE_HOME: '/x' })).toBe('/h/hub');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/huggingface/hub');
    expect(defaultCacheDir({})).toBe(join(home, '.cache', 'huggingface', 'hub'));
    expect(defaultCacheDir({ HF_HOME: '~/hf' })).toBe(join(home, 'hf', 'hub'));
  });
});

describe('parseRepoSpec', () => {
  it('takes org/name with an optional @revision and rejects anything else', () => {
    expect(parseRepoSpec('GSAI-ML/LLaDA-8B-Instruct')).toEqual({
      repo: 'GSAI-ML/LLaDA-8B-Instruct',
      revision: 'main',
    });
    expect(parseRepoSpec('org/name@v1.0')).toEqual({ repo: 'org/name', revision: 'v1.0' });
    expect(parseRepoSpec('org/name@refs/pr/1')).toEqual({ repo: 'org/name', revision: 'refs/pr/1' });
    for (const bad of [
      'name',
      'a/b/c',
      'org/na me',
      'org/../x',
      'org/a--b',
      'org/name@',
      'org/name@../x',
      '/abs/path',
    ]) {
      expect(parseRepoSpec(bad), bad).toBeUndefined();
    }
  });
});

describe('resolveModel from a local folder', () => {
  it('accepts a folder with config.json and rejects one without', async () => {
    const dir = tempDir();
    await expect(resolveModel(dir)).rejects.toThrow(ModelNotFoundError);
    await expect(resolveModel(dir)).rejects.toThrow(/has no config.json/);
    fs.writeFileSync(join(dir, 'config.json'), '{}');
    expect(await resolveModel(dir)).toEqual({ dir, source: 'local' });
  });

  it('a path that is neither a folder nor an org/name id is ModelNotFoundError', async () => {
    await expect(resolveModel('/no/such/folder', { cacheDir: tempDir() })).rejects.toThrow(
      ModelNotFoundError,
    );
    await expect(resolveModel('hf:not a repo', { cacheDir: tempDir() })).rejects.toThrow(/hf:org\/name/);
  });
});

describe('resolveModel from a Hugging Face cache laid out by huggingface_hub', () => {
  it('finds org/name at refs/main through snapshot symlinks, and the weights read through them', async () => {
    const cacheDir = tempDir();
    const snapshot = addToFakeCache(cacheDir, 'org/tiny', COMMIT_A, tinyModelFiles());
    const resolved = await resolveModel('org/tiny', { cacheDir, env: {} });
    expect(resolved).toEqual({
      dir: snapshot,
      source: 'cache',
      repo: 'org/tiny',
      revision: 'main',
      commit: COMMIT_A,
    });
    const checkpoint = openCheckpoint(resolved.dir);
    expect(checkpoint.readF32('w.weight').dims).toEqual([1024]);
    checkpoint.close();
  });

  it('finds the cache through $HF_HUB_CACHE and $HF_HOME', async () => {
    const hfHome = tempDir();
    const snapshot = addToFakeCache(join(hfHome, 'hub'), 'org/tiny', COMMIT_A, tinyModelFiles());
    expect((await resolveModel('org/tiny', { env: { HF_HOME: hfHome } })).dir).toBe(snapshot);
    expect((await resolveModel('org/tiny', { env: { HF_HUB_CACHE: join(hfHome, 'hub') } })).dir).toBe(
      snapshot,
    );
  });

  it('follows refs/<branch> and takes a commit hash directly', async () => {
    const cacheDir = tempDir();
    const a = addToFakeCache(cacheDir, 'org/tiny', COMMIT_A, tinyModelFiles(), ['main']);
    const b = addToFakeCache(cacheDir, 'org/tiny', COMMIT_B, tinyModelFiles(16), ['v2']);
    expect((await resolveModel('org/tiny@v2', { cacheDir })).dir).toBe(b);
    expect((await resolveModel(`org/tiny@${COMMIT_A}`, { cacheDir })).dir).toBe(a);
    await expect(resolveModel('org/tiny@v3', { cacheDir })).rejects.toThrow(ModelNotFoundError);
  });

  it('finds a sharded checkpoint only when every shard is there', async () => {
    const cacheDir = tempDir();
    const shard = safetensorsBytes({ w: { dtype: 'F32', shape: [2], data: new Float32Array(2) } });
    const files = {
      'config.json': utf8('{}'),
      'model.safetensors.index.json': utf8(
        JSON.stringify({
          weight_map: { w: 'model-00001-of-00002.safetensors', v: 'model-00002-of-00002.safetensors' },
        }),
      ),
      'model-00001-of-00002.safetensors': shard,
    };
    addToFakeCache(cacheDir, 'org/sharded', COMMIT_A, files);
    await expect(resolveModel('org/sharded', { cacheDir })).rejects.toThrow(
      /incomplete in the Hugging Face cache .*missing model-00002-of-00002\.safetensors.*use hf:org\/sharded/,
    );
    const offline = resolveModel('hf:org/sharded', { cacheDir, offline: true });
    await expect(offline).rejects.toThrow(HubOfflineError);
    await expect(offline).rejects.toThrow(/HF_HUB_OFFLINE.*missing model-00002-of-00002\.safetensors/);
  });

  it('serves hf:org/name from the cache without the network', async () => {
    const cacheDir = tempDir();
    const snapshot = addToFakeCache(cacheDir, 'org/tiny', COMMIT_A, tinyModelFiles());
    const endpoint = await closedEndpoint();
    expect((await resolveModel('hf:org/tiny', { cacheDir, endpoint })).dir).toBe(snapshot);
  });

  it('a bare org/name missing from the cache says where it looked and how to download', async () => {
    const cacheDir = tempDir();
    await expect(resolveModel('org/absent', { cacheDir })).rejects.toThrow(
      `"org/absent" is not a local folder and is not in the Hugging Face cache at ${join(cacheDir, 'models--org--absent')}; use hf:org/absent to download it`,
    );
  });
});
