import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { HubIntegrityError } from './errors';
import type { RemoteFile } from './remote-file';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Checks a finished download against what the hub announced: the size always, and the sha256 when the etag is
 * one (LFS files). A file that fails is deleted, so the next attempt starts clean.
 */
export async function verifyBlob(path: string, remote: RemoteFile, repo: string): Promise<void> {
  const size = fs.statSync(path).size;
  if (size !== remote.size) {
    fs.rmSync(path, { force: true });
    throw new HubIntegrityError(
      `${repo}/${remote.file}: received ${size} bytes, the hub announced ${remote.size}`,
    );
  }
  if (!SHA256.test(remote.etag)) return;
  const digest = await sha256File(path);
  if (digest !== remote.etag) {
    fs.rmSync(path, { force: true });
    throw new HubIntegrityError(
      `${repo}/${remote.file}: sha256 ${digest} differs from the hub's ${remote.etag}; the download was discarded`,
    );
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(path), hash);
  return hash.digest('hex');
}
