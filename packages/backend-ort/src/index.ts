import { registerBackend } from '@unmask/tensor';
import { ortBackend } from './backend';

export { createOrtBackend, type OrtBackend, type OrtBackendOptions, ortBackend } from './backend';
// The raw pieces, for benchmarks that measure bare onnxruntime beside the backend.
export { GraphBuilder } from './onnx/model';
export type { SwigluFfnOptions, SwigluFfnWeights } from './ops/swiglu-ffn';
export { createSession, type OrtSession } from './session';
export { startWorker, type WorkerHandle } from './worker';

registerBackend('ort', ortBackend, 10);
