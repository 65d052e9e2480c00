import type { Parameter } from '../autograd/parameter';

/**
 * Scales every gradient by min(1, maxNorm / norm), norm being the L2 norm of all gradients together
 * (PyTorch's clip_grad_norm_). Returns the norm before clipping.
 */
export function clipGradNorm(parameters: readonly Parameter[], maxNorm: number): number {
  let sumSquares = 0;
  for (const p of parameters) {
    if (!p.grad) continue;
    const g = p.grad.data as Float32Array;
    for (let i = 0; i < g.length; i++) sumSquares += g[i]! * g[i]!;
  }
  const norm = Math.sqrt(sumSquares);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    for (const p of parameters) {
      if (!p.grad) continue;
      const g = p.writableGrad();
      for (let i = 0; i < g.length; i++) g[i]! *= scale;
    }
  }
  return norm;
}
