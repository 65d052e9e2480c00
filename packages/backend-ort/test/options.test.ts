import { availableParallelism } from 'node:os';
import { f32 } from '@unmask/tensor';
import { describe, expect, it, vi } from 'vitest';
import { createOrtBackend } from '../src/backend';
import type { SessionOptions } from '../src/session';

const seen = vi.hoisted(() => [] as SessionOptions[]);

vi.mock('../src/session', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/session')>();
  return {
    ...actual,
    createSession: (model: Uint8Array, options: SessionOptions) => {
      seen.push(options);
      return actual.createSession(model, options);
    },
  };
});

describe('intraOpNumThreads', () => {
  it('defaults to the available parallelism', () => {
    expect(createOrtBackend().intraOpNumThreads).toBe(availableParallelism());
  });

  it('reaches every session the backend creates, baked ones included', () => {
    const backend = createOrtBackend({ intraOpNumThreads: 3 });
    const w = f32([2, 2], [1, 2, 3, 4]);
    const x = f32([2, 2], [1, 1, 1, 1]);
    seen.length = 0;
    backend.softmax(x);
    backend.linear(x, w);
    backend.linear(x, w);
    expect(seen.length).toBe(3);
    expect(seen.every((options) => options.intraOpNumThreads === 3)).toBe(true);
    backend.dispose();
  });

  it('rejects what is not a positive integer', () => {
    expect(() => createOrtBackend({ intraOpNumThreads: 0 })).toThrow(RangeError);
    expect(() => createOrtBackend({ intraOpNumThreads: 1.5 })).toThrow(RangeError);
  });
});
