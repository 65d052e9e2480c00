// The only file that touches onnxruntime-node. Its public InferenceSession.run defers the native call
// with setImmediate and returns a Promise; the Backend interface is synchronous, so we call the
// native binding directly. An onnxruntime upgrade that changes the binding is fixed here alone.
import { createRequire } from 'node:module';
import { Tensor } from 'onnxruntime-common';
import type { Binding } from 'onnxruntime-node/dist/binding';

interface NativeBinding {
  binding: { InferenceSession: Binding.InferenceSessionConstructor };
  initOrt: () => void;
}

let native: NativeBinding | undefined;

/** Loads the native library (once); throws when it cannot load on this platform. */
export function ensureRuntime(): void {
  loadNative();
}

function loadNative(): NativeBinding {
  if (!native) {
    const require = createRequire(import.meta.url);
    const loaded = require('onnxruntime-node/dist/binding.js') as NativeBinding;
    loaded.initOrt();
    native = loaded;
  }
  return native;
}

export interface SessionOptions {
  intraOpNumThreads: number;
  /** Whether idle intra-op threads spin waiting for work instead of sleeping. */
  allowSpinning: boolean;
}

/** One loaded ONNX model, run synchronously on the calling thread. */
export interface OrtSession {
  run(feeds: Record<string, Tensor>): Record<string, Tensor>;
  dispose(): void;
}

export function createSession(model: Uint8Array, options: SessionOptions): OrtSession {
  const { binding } = loadNative();
  const session = new binding.InferenceSession();
  session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
    intraOpNumThreads: options.intraOpNumThreads,
    // One thread runs the graph; intra-op threads parallelise each kernel.
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } },
  });
  const fetches: Record<string, null> = {};
  for (const output of session.outputMetadata) fetches[output.name] = null;
  return {
    run(feeds) {
      const results = session.run(feeds, fetches, {});
      const out: Record<string, Tensor> = {};
      for (const [name, value] of Object.entries(results)) out[name] = asTensor(value as Tensor);
      return out;
    },
    dispose: () => session.dispose(),
  };
}

/**
 * onnxruntime-node creates result tensors with the CommonJS build of onnxruntime-common; we hand out
 * the class our callers import (the ESM build), wrapping the same data without a copy.
 */
function asTensor(value: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  return new Tensor(value.type, value.data as Float32Array, value.dims);
}
