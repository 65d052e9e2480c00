import fs from 'node:fs';
import { join, resolve } from 'node:path';
import { cachedCommit, repoFolder, snapshotFolder } from './cache-layout';
import { downloadModel } from './download-model';
import { HubOfflineError, ModelNotFoundError } from './errors';
import { CONFIG_FILE, missingModelFiles } from './model-files';
import { parseRepoSpec } from './repo-spec';
import { type HubOptions, hubSettings } from './settings';

export interface ResolvedModel {
  /** Folder holding config.json, the weights and whatever tokenizer files the model has. */
  readonly dir: string;
  readonly source: 'local' | 'cache' | 'download';
  /** For hub models: "org/name", the revision asked for and the commit it resolved to. */
  readonly repo?: string;
  readonly revision?: string;
  readonly commit?: string;
}

const HUB_PREFIX = 'hf:';

/**
 * Finds a model's folder from a spec:
 * - a local folder with a config.json;
 * - `org/name[@revision]`: a complete snapshot in the Hugging Face cache (as Python tools leave it), never fetched;
 * - `hf:org/name[@revision]`: the cached snapshot, else downloaded into the cache unless offline.
 */
export async function resolveModel(spec: string, options: HubOptions = {}): Promise<ResolvedModel> {
  const mayDownload = spec.startsWith(HUB_PREFIX);
  const id = mayDownload ? spec.slice(HUB_PREFIX.length) : spec;
  if (!mayDownload && isDirectory(spec)) return resolveLocal(spec);
  const parsed = parseRepoSpec(id);
  if (!parsed) {
    throw new ModelNotFoundError(
      mayDownload
        ? `"${spec}" is not of the form hf:org/name[@revision]`
        : `"${spec}" is neither a folder nor an org/name[@revision] Hugging Face model id`,
    );
  }
  const { repo, revision } = parsed;
  const settings = hubSettings(options);
  const repoDir = repoFolder(settings.cacheDir, repo);
  const commit = cachedCommit(repoDir, revision);
  const missing = commit ? missingModelFiles(snapshotFolder(repoDir, commit)) : undefined;
  if (commit && missing?.length === 0) {
    return { dir: snapshotFolder(repoDir, commit), source: 'cache', repo, revision, commit };
  }
  const cacheState = commit
    ? `is incomplete in the Hugging Face cache at ${snapshotFolder(repoDir, commit)} (missing ${missing!.join(', ')})`
    : `is not in the Hugging Face cache at ${repoDir}`;
  if (!mayDownload) {
    throw new ModelNotFoundError(
      `"${spec}" is not a local folder and ${cacheState}; use hf:${id} to download it`,
    );
  }
  if (settings.offline)
    throw new HubOfflineError(`offline mode is on (HF_HUB_OFFLINE) and ${repo}@${revision} ${cacheState}`);
  const downloaded = await downloadModel({ settings, repo, repoDir }, revision, options.onProgress);
  return { ...downloaded, source: 'download', repo, revision };
}

function resolveLocal(path: string): ResolvedModel {
  const dir = resolve(path);
  if (!fs.existsSync(join(dir, CONFIG_FILE))) {
    throw new ModelNotFoundError(`${dir} has no ${CONFIG_FILE}, so it is not a model folder`);
  }
  return { dir, source: 'local' };
}

function isDirectory(path: string): boolean {
  return fs.statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
