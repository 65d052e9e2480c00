import fs from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { blobPath } from './cache-layout';
import { HubDownloadError, HubError, HubIntegrityError } from './errors';
import { authHeaders, checkHubStatus, type HubContext, hubFetch, resolveUrl } from './hub-request';
import type { RemoteFile } from './remote-file';
import { verifyBlob } from './verify-blob';

/**
 * Makes sure blobs/{etag} holds the file. Bytes go to blobs/{etag}.incomplete first; after an interruption, in
 * this run or an earlier one, the download continues from where it stopped with an HTTP Range request. The
 * finished file is verified before it is renamed into place.
 */
export async function downloadBlob(
  ctx: HubContext,
  remote: RemoteFile,
  onBytes: (fileBytes: number) => void,
): Promise<void> {
  const blob = blobPath(ctx.repoDir, remote.etag);
  if (fs.existsSync(blob)) return;
  const partial = `${blob}.incomplete`;
  try {
    fs.mkdirSync(dirname(blob), { recursive: true });
    fs.closeSync(fs.openSync(partial, 'a'));
    await fetchWithRetries(ctx, remote, partial, onBytes);
  } catch (error) {
    if (error instanceof HubIntegrityError) fs.rmSync(partial, { force: true });
    if (isFileSystemError(error)) {
      throw new HubDownloadError(`cannot write ${partial}: ${(error as Error).message}`, undefined, error);
    }
    throw error;
  }
  await verifyBlob(partial, remote, ctx.repo);
  fs.renameSync(partial, blob);
}

async function fetchWithRetries(
  ctx: HubContext,
  remote: RemoteFile,
  partial: string,
  onBytes: (fileBytes: number) => void,
): Promise<void> {
  let failuresInARow = 0;
  let lastError: unknown;
  while (fs.statSync(partial).size < remote.size) {
    const before = fs.statSync(partial).size;
    try {
      await fetchRest(ctx, remote, partial, before, onBytes);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      lastError = error;
    }
    if (fs.statSync(partial).size > before) {
      failuresInARow = 0;
      continue;
    }
    failuresInARow++;
    if (failuresInARow > ctx.settings.retries) {
      const reason = lastError instanceof Error ? lastError.message : 'no data received';
      throw new HubDownloadError(
        `downloading ${ctx.repo}/${remote.file} failed ${failuresInARow} times in a row at byte ${before} of ` +
          `${remote.size} (${reason}); run again to resume`,
        undefined,
        lastError,
      );
    }
    await sleep(Math.min(250 * 2 ** (failuresInARow - 1), 4000));
  }
}

/** One GET from byte `start` on, appended to the partial file; throws whatever interrupted it. */
async function fetchRest(
  ctx: HubContext,
  remote: RemoteFile,
  partial: string,
  start: number,
  onBytes: (fileBytes: number) => void,
): Promise<void> {
  const url = resolveUrl(ctx, remote.commit, remote.file);
  const controller = new AbortController();
  const idle = setTimeout(() => controller.abort(), ctx.settings.timeoutMs);
  try {
    const response = await hubFetch(ctx, url, {
      redirect: 'follow',
      signal: controller.signal,
      headers: {
        ...authHeaders(ctx, url),
        'Accept-Encoding': 'identity',
        ...(start > 0 ? { Range: `bytes=${start}-` } : {}),
      },
    });
    checkHubStatus(ctx, response, remote.commit, remote.file);
    if (!response.ok) throw new HubDownloadError(`${url}: HTTP ${response.status}`, response.status);
    // 206 continues the partial file; a plain 200 (Range ignored) starts it over.
    const resumed = response.status === 206;
    if (resumed && !response.headers.get('content-range')?.startsWith(`bytes ${start}-`)) {
      throw new HubDownloadError(`${url}: answered a different byte range than bytes=${start}-`, 206);
    }
    let written = resumed ? start : 0;
    const file = await open(partial, resumed ? 'a' : 'w');
    try {
      for await (const chunk of response.body ?? []) {
        idle.refresh();
        written += chunk.length;
        if (written > remote.size) {
          throw new HubIntegrityError(
            `${ctx.repo}/${remote.file}: the hub sent more than the ${remote.size} bytes it announced`,
          );
        }
        await file.write(chunk);
        onBytes(written);
      }
    } finally {
      await file.close();
    }
  } finally {
    clearTimeout(idle);
  }
}

/** Dropped connections, stalls and server errors are worth another try; answers and local disk errors are not. */
function isRetryable(error: unknown): boolean {
  if (error instanceof HubDownloadError)
    return error.status !== undefined && (error.status >= 500 || error.status === 429);
  return !(error instanceof HubError) && !isFileSystemError(error);
}

function isFileSystemError(error: unknown): boolean {
  return error instanceof Error && 'syscall' in error;
}
