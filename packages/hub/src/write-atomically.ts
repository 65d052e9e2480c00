import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

// fs.writeSync caps one call near 2 GiB; larger chunks are written in slices.
const MAX_WRITE_BYTES = 1 << 30;

/**
 * Writes `chunks` to a temporary file beside `path`, flushes it, then renames it over `path`. On any failure
 * (a full disk included) the temporary file is removed and `path` is left as it was.
 */
export function writeFileAtomically(path: string, chunks: Iterable<Uint8Array>): void {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx');
    for (const chunk of chunks) writeAll(fd, chunk);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    done += fs.writeSync(fd, bytes, done, Math.min(bytes.length - done, MAX_WRITE_BYTES));
  }
}
