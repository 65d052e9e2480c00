import { Worker } from 'node:worker_threads';
import { UnmaskError } from '@unmask/tensor';
import { GenerationCancelledError } from './api-error';
import type {
  FromWorker,
  GenerationJob,
  ToWorker,
  WorkerData,
  WorkerDone,
  WorkerErrorInfo,
  WorkerStep,
} from './worker-protocol';

/** Run from source (tsx, vitest), the worker registers tsx itself and needs our export condition. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(
  FROM_SOURCE ? './inference-worker-source.mjs' : './inference-worker.js',
  import.meta.url,
);
const WORKER_EXEC_ARGV = FROM_SOURCE ? ['--conditions=@unmask/source'] : [];

/** The inference thread could not load the model, or stopped while serving. */
export class InferenceThreadError extends UnmaskError {}

/** The sampler refused an option of a request (its GenerationInputError, relayed from the thread). */
export class SamplerOptionError extends UnmaskError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** A generation failed in the inference thread; `expected` when it was a refused input, not a bug. */
export class GenerationFailedError extends UnmaskError {
  constructor(
    message: string,
    readonly expected: boolean,
  ) {
    super(message);
  }
}

/** An error the inference thread raised for one generation, rebuilt on this side. */
function rebuild(error: WorkerErrorInfo): Error {
  if (error.option !== undefined) return new SamplerOptionError(error.option, error.message);
  return new GenerationFailedError(`${error.name}: ${error.message}`, error.expected);
}

interface Pending {
  onStep: (step: WorkerStep) => void;
  resolve: (done: WorkerDone) => void;
  reject: (error: Error) => void;
}

export interface ThreadInfo {
  backend: string;
  family: string;
  parameters: number;
}

/** The main thread's handle on the inference thread: starts generations, relays their steps, cancels them. */
export class InferenceThread {
  private readonly pending = new Map<number, Pending>();
  private readonly heapWaiters: ((heapUsed: number) => void)[] = [];
  private nextId = 1;
  private stopping = false;
  /** Set when the thread died while serving; every later generation fails with it. */
  private failure: InferenceThreadError | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly info: ThreadInfo,
  ) {
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.fail(`the inference thread crashed: ${error.message}`));
    worker.on('exit', (code) => {
      if (!this.stopping) this.fail(`the inference thread exited with code ${code}`);
    });
  }

  /** Starts the thread and waits until it has loaded the model. */
  static start(modelDir: string, backend: string | undefined): Promise<InferenceThread> {
    const data: WorkerData = { modelDir, backend };
    const worker = new Worker(WORKER_URL, { workerData: data, execArgv: WORKER_EXEC_ARGV });
    return new Promise((resolve, reject) => {
      const onError = (error: Error) =>
        failed(new InferenceThreadError(`inference thread: ${error.message}`));
      const onExit = (code: number) =>
        failed(new InferenceThreadError(`inference thread exited with code ${code}`));
      const onMessage = (message: FromWorker) => {
        worker.off('error', onError).off('exit', onExit).off('message', onMessage);
        if (message.type === 'ready') {
          const { backend, family, parameters } = message;
          resolve(new InferenceThread(worker, { backend, family, parameters }));
        } else if (message.type === 'load-failed') {
          failed(new InferenceThreadError(`cannot load the model: ${message.error.message}`));
        } else {
          failed(new InferenceThreadError(`inference thread sent '${message.type}' before 'ready'`));
        }
      };
      const failed = (error: Error) => {
        void worker.terminate();
        reject(error);
      };
      worker.on('error', onError).on('exit', onExit).on('message', onMessage);
    });
  }

  get healthy(): boolean {
    return this.failure === undefined;
  }

  /** Runs one generation; aborting the signal cancels it (the promise rejects with GenerationCancelledError). */
  generate(job: GenerationJob, onStep: (step: WorkerStep) => void, signal: AbortSignal): Promise<WorkerDone> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (signal.aborted) return Promise.reject(new GenerationCancelledError());
    return new Promise((resolve, reject) => {
      const cancel = () => this.post({ type: 'cancel', id });
      signal.addEventListener('abort', cancel, { once: true });
      const settle = () => signal.removeEventListener('abort', cancel);
      this.pending.set(id, {
        onStep,
        resolve: (done) => {
          settle();
          resolve(done);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.post({ type: 'start', id, ...job });
    });
  }

  /** Heap bytes in use in the inference thread (after a full collection where gc is exposed). */
  heapUsed(): Promise<number> {
    if (this.failure) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.heapWaiters.push(resolve);
      this.post({ type: 'heap' });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    if (message.type === 'heap') {
      this.heapWaiters.shift()?.(message.heapUsed);
      return;
    }
    if (!('id' in message)) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    switch (message.type) {
      case 'step':
        pending.onStep(message);
        return;
      case 'done':
        this.pending.delete(message.id);
        pending.resolve(message);
        return;
      case 'failed':
        this.pending.delete(message.id);
        pending.reject(rebuild(message.error));
        return;
      case 'cancelled':
        this.pending.delete(message.id);
        pending.reject(new GenerationCancelledError());
        return;
    }
  }

  private fail(reason: string): void {
    this.failure ??= new InferenceThreadError(reason);
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
    for (const waiter of this.heapWaiters.splice(0)) waiter(0);
  }
}
