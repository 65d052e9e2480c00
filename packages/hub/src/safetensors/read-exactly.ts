import fs from 'node:fs';
import { SafetensorsError } from './errors';

// fs.readSync caps one call near 2 GiB; larger tensors are read in slices.
const MAX_READ_BYTES = 1 << 30;

/** Fills `target` from `fd` at `position`, looping over short reads; a file that ends early is an error. */
export function readExactly(
  fd: number,
  target: Uint8Array,
  position: number,
  file: string,
  tensor?: string,
): void {
  let done = 0;
  while (done < target.length) {
    const count = Math.min(target.length - done, MAX_READ_BYTES);
    const read = fs.readSync(fd, target, done, count, position + done);
    if (read === 0) {
      throw new SafetensorsError(
        'io',
        file,
        tensor,
        `file ends at byte ${position + done}, short of the ${target.length} bytes expected at ${position} (truncated after opening?)`,
      );
    }
    done += read;
  }
}
