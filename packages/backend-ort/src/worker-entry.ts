// Runs inside the worker started by `startWorker`: imports the module and serves calls to its exports.
import { parentPort, workerData } from 'node:worker_threads';
import { decode, encode } from './worker-codec';

interface Call {
  id: number;
  name: string;
  args: unknown[];
}

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');
const api = (await import((workerData as { moduleUrl: string }).moduleUrl)) as Record<string, unknown>;

port.on('message', async ({ id, name, args }: Call) => {
  try {
    const fn = api[name];
    if (typeof fn !== 'function') throw new TypeError(`the worker module exports no function '${name}'`);
    const buffers: ArrayBuffer[] = [];
    const value = encode(await fn(...(decode(args) as unknown[])), buffers);
    // Results are transferred, not copied: the worker has no further use for them.
    port.postMessage({ id, ok: true, value }, buffers);
  } catch (error) {
    try {
      port.postMessage({ id, ok: false, error });
    } catch {
      // Not structured-cloneable (e.g. it holds a function): send what can be.
      port.postMessage({ id, ok: false, error: new Error(String(error)) });
    }
  }
});
