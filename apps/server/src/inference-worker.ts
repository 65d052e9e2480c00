/**
 * The inference thread: loads the model once and runs the generations the main thread starts (a
 * diffusion LM's denoising steps, or a next-token model's tokens), one step of each in turn,
 * yielding to its event loop between rounds so cancel messages arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
// Registers the onnxruntime backend; its native sessions belong to this thread.
import '@unmask/backend-ort';
import { GenerationInputError } from '@unmask/diffusion';
// Registers the DLCM loader with loadAnyModel.
import { DlcmGenerationError } from '@unmask/dlcm';
import { getBackend, UnmaskError } from '@unmask/tensor';
import { type LoadedModel, loadAnyModel } from '@unmask/transformer';
import { type DoneMessage, type StepMessage, workerSteps } from './generation/worker-steps';
import type { FromWorker, ToWorker, WorkerData, WorkerErrorInfo } from './worker-protocol';

interface Running {
  steps: Generator<StepMessage, DoneMessage>;
  started: number;
}

const port = parentPort!;
const running = new Map<number, Running>();
let looping = false;

function post(message: FromWorker): void {
  port.postMessage(message);
}

function describeError(error: unknown): WorkerErrorInfo {
  if (error instanceof GenerationInputError || error instanceof DlcmGenerationError) {
    return { name: error.name, message: error.message, option: error.option, expected: true };
  }
  if (error instanceof Error) {
    return { name: error.name, message: error.message, expected: error instanceof UnmaskError };
  }
  return { name: 'Error', message: String(error), expected: false };
}

function advance(id: number, job: Running): void {
  try {
    const next = job.steps.next();
    if (!next.done) {
      post({ type: 'step', id, ...next.value });
      return;
    }
    running.delete(id);
    const seconds = (performance.now() - job.started) / 1000;
    post({ type: 'done', id, ...next.value, seconds });
  } catch (error) {
    running.delete(id);
    post({ type: 'failed', id, error: describeError(error) });
  }
}

async function denoise(): Promise<void> {
  looping = true;
  while (running.size > 0) {
    for (const [id, job] of running) advance(id, job);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  looping = false;
}

function start(model: LoadedModel, message: Extract<ToWorker, { type: 'start' }>): void {
  try {
    const steps = workerSteps(model, message);
    running.set(message.id, { steps, started: performance.now() });
  } catch (error) {
    post({ type: 'failed', id: message.id, error: describeError(error) });
    return;
  }
  if (!looping) void denoise();
}

function cancel(id: number): void {
  const job = running.get(id);
  if (!job) return;
  running.delete(id);
  job.steps.return(undefined as never);
  post({ type: 'cancelled', id });
}

function reportHeap(): void {
  // Collect first where the process exposes gc (the tests run with --expose-gc), so the number means
  // "live objects", not "garbage not yet collected".
  (globalThis as { gc?: () => void }).gc?.();
  post({ type: 'heap', heapUsed: process.memoryUsage().heapUsed });
}

function main(): void {
  const { modelDir, backend: backendName } = workerData as WorkerData;
  let model: LoadedModel;
  try {
    const backend = getBackend(backendName);
    model = loadAnyModel(modelDir, { backend });
    post({
      type: 'ready',
      backend: backend.name,
      family: model.kind === 'diffusion' ? model.model.family.name : model.loader.name,
      parameters: model.model.parameterCount,
    });
  } catch (error) {
    post({ type: 'load-failed', error: describeError(error) });
    return;
  }
  port.on('message', (message: ToWorker) => {
    if (message.type === 'start') start(model, message);
    else if (message.type === 'cancel') cancel(message.id);
    else reportHeap();
  });
}

main();
