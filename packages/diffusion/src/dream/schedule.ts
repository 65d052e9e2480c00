const f32 = Math.fround;

/** fl32(a * b + c) with one rounding, as the fused multiply-add PyTorch's CPU kernels compile to (a * b is exact in float64 here). */
function fma32(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

/**
 * `torch.linspace(1, eps, steps + 1)` in float32 exactly as PyTorch's x86 CPU kernel computes it:
 * step = (end - start) / (n - 1) in float32; element i = start + step * i for the first half and
 * end - step * (n - 1 - i) for the second, each a fused multiply-add; runs of 16 elements are
 * vectorised as two 8-lane vectors whose lane k is base + k * step with the base computed as above.
 */
export function timesteps(steps: number, eps: number): Float32Array {
  const n = steps + 1;
  const start = 1;
  const end = f32(eps);
  const step = f32(f32(end - start) / (n - 1));
  const half = Math.floor(n / 2);
  const scalar = (i: number) => (i < half ? fma32(step, i, start) : fma32(-step, n - 1 - i, end));
  const out = new Float32Array(n);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    for (const base of [i, i + 8]) {
      const first = scalar(base);
      for (let lane = 0; lane < 8; lane++) out[base + lane] = first + f32(lane * step);
    }
  }
  for (; i < n; i++) out[i] = scalar(i);
  return out;
}

/** Dream's tokens to commit at a step from t to s: int(masked * (1 - s / t)), every operation in float32. */
export function transferCount(masked: number, t: number, s: number): { count: number; exact: number } {
  const exact = f32(masked * f32(1 - f32(s / t)));
  return { count: Math.trunc(exact), exact };
}
