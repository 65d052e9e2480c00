import fs from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomically } from '../write-atomically';
import { blobPath, noExistMarker, refPath, snapshotFolder } from './cache-layout';

/** Points snapshots/{commit}/{file} at blobs/{etag} with a relative symlink, as huggingface_hub does. */
export function linkIntoSnapshot(repoDir: string, commit: string, file: string, etag: string): void {
  const pointer = join(snapshotFolder(repoDir, commit), ...file.split('/'));
  const blob = blobPath(repoDir, etag);
  fs.mkdirSync(dirname(pointer), { recursive: true });
  fs.rmSync(pointer, { force: true });
  try {
    fs.symlinkSync(relative(dirname(pointer), blob), pointer);
  } catch (error) {
    // Windows without symlink rights: huggingface_hub falls back to a copy too.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    fs.copyFileSync(blob, pointer);
  }
}

export function writeRef(repoDir: string, revision: string, commit: string): void {
  const path = refPath(repoDir, revision);
  fs.mkdirSync(dirname(path), { recursive: true });
  writeFileAtomically(path, [new TextEncoder().encode(commit)]);
}

/** Records that an optional file does not exist at this commit, so Python tools do not ask again. */
export function markMissing(repoDir: string, commit: string, file: string): void {
  const marker = noExistMarker(repoDir, commit, file);
  fs.mkdirSync(dirname(marker), { recursive: true });
  fs.writeFileSync(marker, '');
}
