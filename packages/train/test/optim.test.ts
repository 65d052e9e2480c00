import { f32 } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { AdamW, clipGradNorm, learningRate, Parameter } from '../src';

function parameter(kind: 'linear' | 'norm' | 'embedding', values: number[], grad?: number[]): Parameter {
  const p = new Parameter(`${kind}.weight`, f32([values.length], values), kind);
  if (grad) p.accumulate(f32([grad.length], grad));
  return p;
}

describe('AdamW', () => {
  it('follows PyTorch AdamW (decoupled decay, bias-corrected moments) over two steps', () => {
    const [beta1, beta2, eps, wd, lr] = [0.9, 0.95, 1e-8, 0.1, 0.01];
    const p = parameter('linear', [0.5, -1.5, 2]);
    const optimizer = new AdamW([p], { beta1, beta2, eps, weightDecay: wd });
    const grads = [
      [0.3, -0.2, 1e-3],
      [-0.1, 0.4, 2],
    ];
    const expected = [0.5, -1.5, 2];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    grads.forEach((g, t) => {
      p.zeroGrad();
      p.accumulate(f32([3], g));
      optimizer.update(lr);
      for (let i = 0; i < 3; i++) {
        m[i] = beta1 * m[i]! + (1 - beta1) * g[i]!;
        v[i] = beta2 * v[i]! + (1 - beta2) * g[i]! ** 2;
        const mHat = m[i]! / (1 - beta1 ** (t + 1));
        const vHat = v[i]! / (1 - beta2 ** (t + 1));
        expected[i] = expected[i]! * (1 - lr * wd) - (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    });
    for (const [i, e] of expected.entries()) expect(p.data[i]).toBeCloseTo(e, 6);
    expect(optimizer.step).toBe(2);
  });

  it('decays linear weights only by default, or what `decays` picks', () => {
    const make = () => [parameter('linear', [1]), parameter('norm', [1]), parameter('embedding', [1])];
    const byDefault = make();
    new AdamW(byDefault, { weightDecay: 0.5 }).update(0.1);
    expect(byDefault.map((p) => p.data[0])).toEqual([Math.fround(0.95), 1, 1]);
    const everything = make();
    new AdamW(everything, { weightDecay: 0.5, decays: () => true }).update(0.1);
    expect(everything.map((p) => p.data[0])).toEqual([0.95, 0.95, 0.95].map(Math.fround));
  });
});

describe('clipGradNorm', () => {
  it('scales all gradients together to the limit and returns the norm before clipping', () => {
    const a = parameter('linear', [0, 0], [3, 0]);
    const b = parameter('norm', [0], [4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(a.grad!.data[0]).toBeCloseTo(0.6, 5);
    expect(b.grad!.data[0]).toBeCloseTo(0.8, 5);
    expect(clipGradNorm([a, b], 2)).toBeCloseTo(1, 5);
    expect(a.grad!.data[0]).toBeCloseTo(0.6, 5);
  });
});

describe('learningRate', () => {
  const schedule = { peak: 1e-3, warmupSteps: 10, totalSteps: 110, minRatio: 0.1 };
  it('warms up linearly, then decays along a cosine to peak * minRatio', () => {
    expect(learningRate(0, schedule)).toBeCloseTo(1e-4, 12);
    expect(learningRate(9, schedule)).toBeCloseTo(1e-3, 12);
    expect(learningRate(10, schedule)).toBeCloseTo(1e-3, 12);
    expect(learningRate(60, schedule)).toBeCloseTo(0.55e-3, 12);
    expect(learningRate(110, schedule)).toBeCloseTo(1e-4, 12);
    expect(learningRate(500, schedule)).toBeCloseTo(1e-4, 12);
    for (let s = 10; s < 110; s++)
      expect(learningRate(s + 1, schedule)).toBeLessThanOrEqual(learningRate(s, schedule));
  });
});
