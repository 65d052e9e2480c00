import '@unmask/backend-ort';
import { f32, f32Data, getBackend, listBackends, mulberry32 } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { LearnedBoundaryDetector, RuleBoundaryDetector } from '../src';
import { maxAbsDiff } from './tiny';

function cosine(a: number[], b: number[]): number {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return dot / (norm(a) * norm(b));
}

/** W x for W [out, in] (row-major) and x [in]. */
function apply(w: Float32Array, x: number[]): number[] {
  const out = w.length / x.length;
  return Array.from({ length: out }, (_, o) => x.reduce((s, v, i) => s + w[o * x.length + i]! * v, 0));
}

for (const backendName of listBackends()) {
  describe(`boundary detectors, on ${backendName}`, () => {
    const backend = getBackend(backendName);
    const random = mulberry32(4);
    const [batch, length, width] = [2, 6, 5];
    const states = Array.from({ length: batch * length }, () =>
      Array.from({ length: width }, () => random() - 0.5),
    );
    const hidden = f32([batch, length, width], states.flat());
    const matrix = () =>
      f32(
        [width, width],
        Float32Array.from({ length: width * width }, () => random() - 0.5),
      );

    it('learned: p_t = (1 - cos(Wq h_{t-1}, Wk h_t)) / 2, p_1 = 1, a boundary where p_t >= 0.5', () => {
      const weights = { q: matrix(), k: matrix() };
      const detector = new LearnedBoundaryDetector(backend, weights);
      const p = detector.probabilities(hidden);
      const expected = states.map((h, i) => {
        if (i % length === 0) return 1;
        const q = apply(f32Data(weights.q), states[i - 1]!);
        return (1 - cosine(q, apply(f32Data(weights.k), h))) / 2;
      });
      expect(maxAbsDiff(p, expected)).toBeLessThan(1e-6);
      const flags = detector.decide(Float32Array.from([0.1, 0.5, 0.4999, 0.9, 0.2, 0.7]), 3);
      expect(Array.from(flags)).toEqual([1, 1, 0, 1, 0, 1]);
    });

    it('rule: p_t = (1 - cos(h_{t-1}, h_t)) / 2 on the states, a boundary where p_t > tau', () => {
      const detector = new RuleBoundaryDetector(backend, 0.375);
      const p = detector.probabilities(hidden);
      const expected = states.map((h, i) => (i % length === 0 ? 1 : (1 - cosine(states[i - 1]!, h)) / 2));
      expect(maxAbsDiff(p, expected)).toBeLessThan(1e-6);
      const flags = detector.decide(Float32Array.from([0.1, 0.375, 0.376, 0, 0.374, 0.9]), 3);
      expect(Array.from(flags)).toEqual([1, 0, 1, 1, 0, 1]);
    });

    it('a one-token sequence is one boundary', () => {
      const detector = new RuleBoundaryDetector(backend, 0.4);
      const p = detector.probabilities(f32([1, 1, width], states[0]!));
      expect(Array.from(p)).toEqual([1]);
      expect(Array.from(detector.decide(p, 1))).toEqual([1]);
    });
  });
}
