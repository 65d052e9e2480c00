import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Lays out a model in a cache folder the way huggingface_hub does, independently of the code under test:
 * blobs named by sha256, snapshots/<commit>/<file> as relative symlinks into blobs/, refs/<name> = commit.
 */
export function addToFakeCache(
  cacheDir: string,
  repo: string,
  commit: string,
  files: Readonly<Record<string, Uint8Array | string>>,
  refs: readonly string[] = ['main'],
): string {
  const repoDir = join(cacheDir, `models--${repo.replace('/', '--')}`);
  const snapshot = join(repoDir, 'snapshots', commit);
  fs.mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const sha = createHash('sha256').update(content).digest('hex');
    fs.writeFileSync(join(repoDir, 'blobs', sha), content);
    const pointer = join(snapshot, name);
    fs.mkdirSync(dirname(pointer), { recursive: true });
    fs.symlinkSync(`${'../'.repeat(name.split('/').length + 1)}blobs/${sha}`, pointer);
  }
  for (const ref of refs) {
    fs.mkdirSync(join(repoDir, 'refs'), { recursive: true });
    fs.writeFileSync(join(repoDir, 'refs', ref), commit);
  }
  return snapshot;
}
