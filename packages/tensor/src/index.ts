export { Tensor } from 'onnxruntime-common';
export type { AttentionOptions, Backend } from './backend';
export { BACKEND_OPS } from './backend';
export { cpuBackend } from './cpu';
export { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from './dtype';
export { BackendError, ShapeError, UnmaskError } from './errors';
export * as opShapes from './op-shapes';
export { mulberry32 } from './random';
export { type BackendFactory, getBackend, listBackends, registerBackend } from './registry';
export {
  bool,
  type Dims,
  dimsProduct,
  f32,
  f32Data,
  i32,
  i32Data,
  lastDim,
  numel,
  reshape,
  sameDims,
} from './shape';

import { cpuBackend } from './cpu';
import { registerBackend } from './registry';

// Always available; faster backends register with a higher priority.
registerBackend('cpu', () => cpuBackend, 0);
