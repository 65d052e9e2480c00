import { cpuBackend, f32 } from '@unmask/tensor';
import { Tensor } from 'onnxruntime-common';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorker } from '../src/worker';
import type * as MatmulWorker from './fixtures/matmul-worker';
import { expectNear } from './near';

const worker = startWorker<typeof MatmulWorker>(new URL('./fixtures/matmul-worker.ts', import.meta.url));
afterAll(() => worker.terminate());

const ramp = (n: number, m: number) =>
  f32(
    [n, m],
    Float32Array.from({ length: n * m }, (_, i) => ((i % 13) - 6) / 13),
  );

describe('startWorker', () => {
  it('passes tensors both ways and returns Tensor instances', async () => {
    const a = ramp(3, 4);
    const b = ramp(4, 2);
    const y = await worker.call('matmul', [a, b]);
    expect(y).toBeInstanceOf(Tensor);
    expectNear(y, cpuBackend.matmul(a, b));
    expect(a.data.length).toBe(12); // copied, not transferred, by default
  });

  it('transfers argument buffers when asked', async () => {
    const a = ramp(2, 2);
    await worker.call('matmul', [a, ramp(2, 2)], [(a.data as Float32Array).buffer as ArrayBuffer]);
    expect(a.data.length).toBe(0);
  });

  it('rejects with the error the worker threw', async () => {
    await expect(worker.call('fail', [])).rejects.toThrow(/failed on purpose/);
  });

  it("keeps the main thread's event loop running during a large matmul", { timeout: 60_000 }, async () => {
    await worker.call('matmul', [ramp(8, 8), ramp(8, 8)]); // the worker is up and warm
    const n = 1536;
    const a = ramp(n, n);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    const start = performance.now();
    const y = await worker.call('matmul', [a, a]);
    const elapsed = performance.now() - start;
    clearInterval(timer);
    expect(y.dims).toEqual([n, n]);
    // At least ~7 GFLOP: tens of milliseconds at the least, during which the interval kept firing.
    expect(elapsed).toBeGreaterThan(20);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 2 / 4));
  });
});
