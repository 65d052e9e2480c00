import { mulberry32 } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import {
  BoundaryLossError,
  GlobalParserAccumulator,
  globalParserGradient,
  globalParserLoss,
  sampleBoundaries,
  sharpenProbability,
} from '../src';

describe('Global Parser loss L_aux = R/(R-1) * ((R-1) F G + (1-F)(1-G)) - 1', () => {
  // [R, F, G, value, arithmetic]
  const cases: [number, number, number, number, string][] = [
    [2, 0.5, 0.5, 0, '2/1 * (1*0.25 + 0.25) - 1 = 0'],
    [4, 0.25, 0.25, 0, '4/3 * (3/16 + 9/16) - 1 = 4/3 * 3/4 - 1 = 0'],
    [4, 0.5, 0.5, 1 / 3, '4/3 * (3*0.25 + 0.25) - 1 = 4/3 - 1'],
    [2, 1, 1, 1, '2 * (1 + 0) - 1'],
    [2, 1, 0, -1, '2 * (0 + 0) - 1'],
    [3, 0.2, 0.6, -0.16, '3/2 * (2*0.12 + 0.8*0.4) - 1 = 1.5 * 0.56 - 1'],
  ];
  for (const [ratio, rate, mean, value, arithmetic] of cases) {
    it(`R=${ratio}, F=${rate}, G=${mean}: ${arithmetic}`, () => {
      expect(globalParserLoss(rate, mean, ratio)).toBeCloseTo(value, 12);
    });
  }

  it('is 0 at F = G = 1/R for any R', () => {
    for (const ratio of [1.5, 2, 3, 7.25, 16])
      expect(globalParserLoss(1 / ratio, 1 / ratio, ratio)).toBeCloseTo(0, 12);
  });

  it('dL/dG = R/(R-1) (R F - 1): zero at F = 1/R, pushes G down when boundaries are too frequent', () => {
    expect(globalParserGradient(0.25, 4)).toBeCloseTo(0, 12);
    expect(globalParserGradient(0.5, 4)).toBeCloseTo((4 / 3) * 1, 12); // 4/3 * (2 - 1)
    expect(globalParserGradient(0.1, 4)).toBeCloseTo((4 / 3) * -0.6, 12); // 4/3 * (0.4 - 1)
    // Against a finite difference of the loss in G.
    const h = 1e-6;
    const numeric = (globalParserLoss(0.3, 0.4 + h, 5) - globalParserLoss(0.3, 0.4 - h, 5)) / (2 * h);
    expect(globalParserGradient(0.3, 5)).toBeCloseTo(numeric, 6);
  });

  it('refuses R <= 1', () => {
    expect(() => globalParserLoss(0.5, 0.5, 1)).toThrow(BoundaryLossError);
    expect(() => new GlobalParserAccumulator(0.5)).toThrow(/R must be a number above 1, got 0\.5/);
  });

  it('takes G and F over every micro-batch together, not per micro-batch', () => {
    const split = new GlobalParserAccumulator(4);
    split.add([1, 0.2, 0.6], [1, 0, 1]);
    split.add([1, 0.1, 0.1, 0.1, 0.3], [1, 0, 0, 0, 0]);
    const whole = new GlobalParserAccumulator(4);
    whole.add([1, 0.2, 0.6, 1, 0.1, 0.1, 0.1, 0.3], [1, 0, 1, 1, 0, 0, 0, 0]);
    const result = split.result();
    expect(result).toEqual(whole.result());
    // F = 3/8, G = 3.4/8 = 0.425.
    expect(result.rate).toBe(3 / 8);
    expect(result.meanProbability).toBeCloseTo(0.425, 12);
    expect(result.tokensPerConcept).toBeCloseTo(8 / 3, 12);
    expect(result.value).toBeCloseTo(globalParserLoss(3 / 8, 0.425, 4), 12);
    expect(result.gradientPerProbability).toBeCloseTo(globalParserGradient(3 / 8, 4) / 8, 12);
    // The mean of per-micro-batch losses is a different (wrong) number here.
    const first = globalParserLoss(2 / 3, 1.8 / 3, 4);
    const second = globalParserLoss(1 / 5, 1.6 / 5, 4);
    expect(Math.abs((first + second) / 2 - result.value)).toBeGreaterThan(0.01);
    split.reset();
    expect(() => split.result()).toThrow(/at least one token/);
  });

  it('refuses mismatched lengths, probabilities outside [0, 1] and flags that are not 0/1', () => {
    const acc = new GlobalParserAccumulator(2);
    expect(() => acc.add([0.5], [1, 0])).toThrow(/1 probabilities but 2 boundary flags/);
    expect(() => acc.add([1.5], [1])).toThrow(/probability 1\.5 at 0/);
    expect(() => acc.add([0.5], [2])).toThrow(/flag 2 at 0/);
  });
});

describe("boundary sharpening p' = 1 / (1 + ((1 - p) / p)^(1 / T))", () => {
  it('is the identity at T = 1, keeps 0, 0.5 and 1, and sharpens below T = 1', () => {
    for (const p of [0, 0.1, 0.5, 0.73, 1]) expect(sharpenProbability(p, 1)).toBeCloseTo(p, 12);
    for (const t of [0.5, 0.1, 1e-4]) {
      expect(sharpenProbability(0, t)).toBe(0);
      expect(sharpenProbability(1, t)).toBe(1);
      expect(sharpenProbability(0.5, t)).toBe(0.5);
    }
    // T = 0.5: 0.8^2 / (0.8^2 + 0.2^2) = 0.64 / 0.68.
    expect(sharpenProbability(0.8, 0.5)).toBeCloseTo(0.64 / 0.68, 12);
    expect(sharpenProbability(0.2, 0.5)).toBeCloseTo(0.04 / 0.68, 12);
    expect(sharpenProbability(0.6, 1e-4)).toBeCloseTo(1, 12);
  });

  it('refuses a temperature that is not positive and p outside [0, 1]', () => {
    expect(() => sharpenProbability(0.5, 0)).toThrow(/temperature must be a positive number, got 0/);
    expect(() => sharpenProbability(-0.1, 1)).toThrow(/-0\.1 is outside \[0, 1\]/);
  });

  it('samples boundaries at the sharpened rate, always one at each row start', () => {
    const length = 1000;
    const p = new Float32Array(2 * length).fill(0.8);
    p[length] = 0;
    const flags = sampleBoundaries(p, length, 0.5, mulberry32(1));
    expect([flags[0], flags[length]]).toEqual([1, 1]);
    const rate = flags.reduce((a, b) => a + b, 0) / flags.length;
    expect(rate).toBeGreaterThan(0.64 / 0.68 - 0.03);
    expect(rate).toBeLessThan(0.64 / 0.68 + 0.03);
  });
});
