// onnxruntime runs block the calling thread. A server keeps its event loop free by running model work
// in a worker_threads Worker: `startWorker(url)` loads the module at `url` there and `call` invokes
// its exported async functions. Tensors may be passed in arguments and results (see worker-codec).
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { decode, encode } from './worker-codec';

export interface WorkerHandle<Api> {
  /**
   * Calls the export `name` with `args` (copied; pass `transfer` to move ArrayBuffers instead, which
   * detaches them here). Result tensors are transferred back, so the worker must not keep using them.
   */
  call<K extends FunctionKeys<Api>>(
    name: K,
    args: ArgsOf<Api[K]>,
    transfer?: readonly ArrayBuffer[],
  ): Promise<ResultOf<Api[K]>>;
  terminate(): Promise<number>;
}

type FunctionKeys<Api> = {
  [K in keyof Api]: Api[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Api] &
  string;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: unknown;
}

/** Starts a worker on the ES module at `moduleUrl`; `options` go to the Worker (e.g. execArgv, resourceLimits). */
export function startWorker<Api>(
  moduleUrl: URL | string,
  options: Omit<WorkerOptions, 'workerData'> = {},
): WorkerHandle<Api> {
  const workerData = { moduleUrl: String(moduleUrl) };
  const worker = import.meta.url.endsWith('.ts')
    ? startFromSources(options, workerData)
    : new Worker(new URL('./worker-entry.js', import.meta.url), { ...options, workerData });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  // An idle worker does not keep the process alive; one with calls in flight does.
  worker.unref();
  const settle = (id: number) => {
    const call = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return call;
  };
  worker.on('message', ({ id, ok, value, error }: Reply) => {
    const call = settle(id);
    if (ok) call?.resolve(decode(value));
    else call?.reject(error);
  });
  const failAll = (error: unknown) => {
    for (const id of [...pending.keys()]) settle(id)?.reject(error);
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`worker exited with code ${code}`)));
  return {
    call(name, args, transfer = []) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        worker.ref();
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, name, args: encode(args) }, [...transfer]);
      });
    },
    terminate: () => worker.terminate(),
  };
}

/**
 * Running from the TypeScript sources (tests, dev runs), as this monorepo does: Node 20 workers do not
 * inherit loader hooks, so a one-line bootstrap loads worker-entry.ts through tsx, and workspace
 * packages resolve to their sources as in the parent.
 */
function startFromSources(
  options: Omit<WorkerOptions, 'workerData'>,
  workerData: { moduleUrl: string },
): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  const bootstrap = `import { tsImport } from ${JSON.stringify(tsx)}; await tsImport(${JSON.stringify(entry)}, import.meta.url);`;
  const execArgv = [...(options.execArgv ?? []), '--conditions=@unmask/source'];
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), {
    ...options,
    execArgv,
    workerData,
  });
}
