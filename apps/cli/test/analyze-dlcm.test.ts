import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DlcmExperimentResult } from '../src/analyze/dlcm-experiment';
import { lastJsonLine, runCli } from './run-cli';

const LINES = [
  'KING: what news from the north, my lord?',
  'QUEEN: the field is lost, and all our hopes with it.',
  'LORD: then let us fly, for the night comes on apace.',
  'KING: no, we stand; the crown is ours, or none.',
  'FOOL: a crown of paper burns as well as gold.',
];

describe('unmask analyze dlcm', () => {
  it('trains the baseline and both DLCMs, then measures loss, FLOPs, boundaries and generation', () => {
    const root = mkdtempSync(join(tmpdir(), 'analyze-dlcm-'));
    const data = join(root, 'corpus.txt');
    writeFileSync(data, Array.from({ length: 900 }, (_, i) => `${LINES[(i * 7) % LINES.length]}\n`).join(''));
    const out = join(root, 'out');
    const { code, stdout, stderr } = runCli([
      'analyze',
      'dlcm',
      '--data',
      data,
      '--steps',
      '2',
      '--eval-every',
      '1',
      '--gen-length',
      '4',
      '--work',
      join(root, 'work'),
      '--out',
      out,
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<DlcmExperimentResult>(stdout);
    expect(result.arms.map((a) => a.name)).toEqual(['baseline', 'dlcm-r2', 'dlcm-r4']);
    const [baseline, ...dlcms] = result.arms;
    for (const arm of result.arms) {
      expect(arm.curve.map((p) => p.step)).toEqual([1, 2]);
      expect(arm.curve[1]!.trainingFlops).toBeGreaterThan(arm.curve[0]!.trainingFlops);
      expect(arm.bitsPerToken).toBeGreaterThan(0);
    }
    expect(baseline!.flops.conceptLevel).toBe(0);
    expect(baseline!.boundaries).toBeUndefined();
    for (const arm of dlcms) {
      expect(arm.flops.conceptLevel).toBeGreaterThan(0);
      const placement = arm.boundaries!;
      expect(placement.concepts).toBeGreaterThan(0);
      for (const share of [placement.wordStart, placement.lineStart, placement.afterPunctuation]) {
        expect(share.boundaries).toBeGreaterThanOrEqual(0);
        expect(share.boundaries).toBeLessThanOrEqual(1);
        expect(share.tokens).toBeGreaterThan(0);
      }
      expect(placement.examples).toHaveLength(3);
    }
    expect(result.generation.map((g) => g.name)).toEqual(['baseline', 'dlcm-r2', 'dlcm-r4']);
    for (const g of result.generation) {
      expect(g.recomputeAgrees, `${g.name}: cached and recomputed greedy tokens`).toBe(true);
      expect(g.cachedTokensPerSecond).toBeGreaterThan(0);
    }
    const markdown = readFileSync(join(out, 'dlcm-experiment.md'), 'utf8');
    expect(markdown).toContain('| DLCM R=4 |');
    expect(readFileSync(join(out, 'dlcm-experiment.svg'), 'utf8')).toContain(
      'Held-out loss against training compute',
    );
  }, 120_000);

  it('refuses options of other analyses', () => {
    const foreign = runCli(['analyze', 'dlcm', '--model', 'x']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("--model does not apply to 'analyze dlcm'");
  });
});
