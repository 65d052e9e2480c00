import { createOrtBackend } from '@unmask/backend-ort';
import { type Backend, getBackend } from '@unmask/tensor';

/** The backend a trainer runs on: onnxruntime reading weights afresh at each call (they change every step), or the named one. */
export function trainingBackend(name: string | undefined): Backend {
  if (name === undefined || name === 'ort') return createOrtBackend({ bakeBudgetBytes: 0 });
  return getBackend(name);
}
