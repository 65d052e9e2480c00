import fs from 'node:fs';
import { join } from 'node:path';

// The huggingface_hub cache layout, for model repositories:
//   models--{org}--{name}/refs/{revision}            text file holding a commit hash
//   models--{org}--{name}/snapshots/{commit}/{file}  relative symlink to ../../blobs/{etag}
//   models--{org}--{name}/blobs/{etag}               file content; etag = sha256 (LFS) or git sha1
//   models--{org}--{name}/.no_exist/{commit}/{file}  empty marker: the file is known not to exist

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

export function repoFolder(cacheDir: string, repo: string): string {
  return join(cacheDir, `models--${repo.split('/').join('--')}`);
}

export function snapshotFolder(repoDir: string, commit: string): string {
  return join(repoDir, 'snapshots', commit);
}

export function blobPath(repoDir: string, etag: string): string {
  return join(repoDir, 'blobs', etag);
}

export function refPath(repoDir: string, revision: string): string {
  return join(repoDir, 'refs', ...revision.split('/'));
}

export function noExistMarker(repoDir: string, commit: string, file: string): string {
  return join(repoDir, '.no_exist', commit, ...file.split('/'));
}

/** The commit a revision points to in the cache: the revision itself when it is a hash, else its refs file. */
export function cachedCommit(repoDir: string, revision: string): string | undefined {
  if (COMMIT_HASH.test(revision)) return revision;
  let commit: string;
  try {
    commit = fs.readFileSync(refPath(repoDir, revision), 'utf8').trim();
  } catch {
    return undefined;
  }
  return COMMIT_HASH.test(commit) ? commit : undefined;
}
