import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SafetensorsError, writeSafetensors } from '../src/index';
import { useTempDirs } from './support/temp-dirs';

const tempDir = useTempDirs();

afterEach(() => {
  vi.restoreAllMocks();
});

/** Lets the first `okWrites` writes through, then fails like a full disk. */
function diskFullAfter(okWrites: number): void {
  const realWrite = fs.writeSync;
  let calls = 0;
  vi.spyOn(fs, 'writeSync').mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
    if (++calls > okWrites) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
        syscall: 'write',
      });
    }
    return (realWrite as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync);
}

const tensors = {
  a: { dtype: 'F32', shape: [1024], data: new Float32Array(1024).fill(1) },
  b: { dtype: 'F32', shape: [1024], data: new Float32Array(1024).fill(2) },
} as const;

describe('writeSafetensors on a full disk', () => {
  it('throws a SafetensorsError with the ENOSPC cause and leaves no file behind', () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    diskFullAfter(2);
    let caught: unknown;
    try {
      writeSafetensors(path, tensors);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SafetensorsError);
    expect(caught).toMatchObject({ problem: 'write', file: path });
    expect((caught as Error).message).toMatch(/no space left on device/);
    expect((caught as Error).cause).toMatchObject({ code: 'ENOSPC' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('keeps an existing file intact when overwriting it fails', () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    fs.writeFileSync(path, 'previous checkpoint');
    diskFullAfter(1);
    expect(() => writeSafetensors(path, tensors)).toThrow(SafetensorsError);
    expect(fs.readFileSync(path, 'utf8')).toBe('previous checkpoint');
    expect(fs.readdirSync(dir)).toEqual(['model.safetensors']);
  });
});
