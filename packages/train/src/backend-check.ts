import { type Backend, f32 } from '@unmask/tensor';
import { TrainError } from './errors';

/**
 * Throws unless `backend.linear` reads its weight's current values at every call. Training updates
 * parameters in place, and a backend that caches weights by tensor object (onnxruntime's, which bakes a
 * weight into a session on its second use) would silently keep multiplying by stale ones. Probed by
 * behaviour: use a weight three times, change it in place, check the next result sees the change.
 */
export function assertReadsWeightsLive(backend: Backend): void {
  const x = f32([2, 2], [1, 0, 0, 1]);
  const weight = f32([2, 2], [1, 2, 3, 4]);
  for (let i = 0; i < 3; i++) backend.linear(x, weight);
  (weight.data as Float32Array)[0] = 5;
  if ((backend.linear(x, weight).data as Float32Array)[0] !== 5) {
    throw new TrainError(
      `backend '${backend.name}' caches linear weights, which training updates in place; ` +
        'for onnxruntime use createOrtBackend({ bakeBudgetBytes: 0 }) from @unmask/backend-ort',
    );
  }
}
