import fs from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsIndex, SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from '../safetensors/index-file';
import { blobPath, snapshotFolder } from './cache-layout';
import { linkIntoSnapshot, markMissing, writeRef } from './cache-writes';
import { downloadBlob } from './download-blob';
import { HubDownloadError, HubNotFoundError } from './errors';
import type { HubContext } from './hub-request';
import { CONFIG_FILE, OPTIONAL_FILES } from './model-files';
import type { DownloadProgress } from './progress';
import { headRemoteFile, type RemoteFile } from './remote-file';

/**
 * Downloads config.json, the optional generation/tokenizer files that exist, and the safetensors weights
 * (single file, or index + every shard) into the cache, laid out as huggingface_hub lays it out.
 * The revision is resolved to a commit first and every file is fetched at that commit.
 */
export async function downloadModel(
  ctx: HubContext,
  revision: string,
  onProgress: (progress: DownloadProgress) => void = () => {},
): Promise<{ dir: string; commit: string }> {
  const config = await headRemoteFile(ctx, revision, CONFIG_FILE);
  if (!config) throw new HubNotFoundError(`${ctx.repo}@${revision} has no ${CONFIG_FILE}`);
  const { commit } = config;
  const files = [config];
  for (const name of OPTIONAL_FILES) {
    const remote = await headAtCommit(ctx, commit, name);
    if (remote) files.push(remote);
    else markMissing(ctx.repoDir, commit, name);
  }
  files.push(...(await weightFiles(ctx, commit)));
  await fetchFiles(ctx, files, onProgress);
  if (revision !== commit) writeRef(ctx.repoDir, revision, commit);
  return { dir: snapshotFolder(ctx.repoDir, commit), commit };
}

async function weightFiles(ctx: HubContext, commit: string): Promise<RemoteFile[]> {
  const index = await headAtCommit(ctx, commit, WEIGHTS_INDEX_FILE);
  if (!index) {
    const single = await headAtCommit(ctx, commit, SINGLE_WEIGHTS_FILE);
    if (!single) {
      throw new HubNotFoundError(
        `${ctx.repo}@${commit} has neither ${SINGLE_WEIGHTS_FILE} nor ${WEIGHTS_INDEX_FILE} (only safetensors weights are read)`,
      );
    }
    return [single];
  }
  // The shard list is inside the index, so it is fetched before the rest.
  await fetchFiles(ctx, [index], () => {});
  const { shards } = readSafetensorsIndex(join(snapshotFolder(ctx.repoDir, commit), WEIGHTS_INDEX_FILE));
  const remotes = [index];
  for (const shard of shards) {
    const remote = await headAtCommit(ctx, commit, shard);
    if (!remote)
      throw new HubNotFoundError(
        `${WEIGHTS_INDEX_FILE} of ${ctx.repo}@${commit} lists ${shard}, which is missing`,
      );
    remotes.push(remote);
  }
  return remotes;
}

/** HEAD at the resolved commit; an answer for another commit would put the file in the wrong snapshot. */
async function headAtCommit(ctx: HubContext, commit: string, file: string): Promise<RemoteFile | undefined> {
  const remote = await headRemoteFile(ctx, commit, file);
  if (remote && remote.commit !== commit) {
    throw new HubDownloadError(
      `${ctx.repo}/${file}: asked for commit ${commit}, the hub answered for ${remote.commit}`,
    );
  }
  return remote;
}

/** Fetches the blobs not yet in the cache and links every file into the snapshot. */
async function fetchFiles(
  ctx: HubContext,
  files: readonly RemoteFile[],
  onProgress: (progress: DownloadProgress) => void,
): Promise<void> {
  const pending = new Set(files.filter((f) => !fs.existsSync(blobPath(ctx.repoDir, f.etag))));
  const total = [...pending].reduce((sum, f) => sum + f.size, 0);
  let finished = 0;
  for (const remote of files) {
    await downloadBlob(ctx, remote, (fileBytes) =>
      onProgress({
        file: remote.file,
        fileBytes,
        fileTotal: remote.size,
        bytes: finished + fileBytes,
        total,
      }),
    );
    if (pending.has(remote)) finished += remote.size;
    linkIntoSnapshot(ctx.repoDir, remote.commit, remote.file, remote.etag);
  }
}
