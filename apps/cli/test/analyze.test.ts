import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPolicy } from '@unmask/cache';
import { cpuBackend, f32Data, i32 } from '@unmask/tensor';
import { loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { AdjacentSimilarity } from '../src/analyze/adjacent-similarity';
import { axisFor } from '../src/analyze/chart-scale';
import { AnalysisError } from '../src/analyze/errors';
import { FeatureRecorder, type RecordedForward } from '../src/analyze/feature-recorder';
import { likelihoodMasks } from '../src/analyze/response-likelihood';
import { renderFigure } from '../src/analyze/svg-chart';
import { readTrainingLog } from '../src/analyze/training-log';
import { FIXTURES, lastJsonLine, runCli } from './run-cli';

const TINY = `${FIXTURES}/llada-tiny-1`;

/** Tags balanced and properly nested, attributes quoted, no stray '<', '>' or unescaped '&'. */
function expectWellFormedXml(xml: string): void {
  const markup =
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>/g;
  const stack: string[] = [];
  let last = 0;
  for (const match of xml.matchAll(markup)) {
    const between = xml.slice(last, match.index).replace(/&(amp|lt|gt|quot|apos);/g, '');
    expect(between, `text before ${match[0]}`).not.toMatch(/[<>&]/);
    last = match.index + match[0].length;
    const [, closing, name, , selfClosing] = match;
    if (closing) expect(stack.pop(), `closing ${name}`).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(xml.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(xml.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

describe('svg charts', () => {
  const figure = () =>
    renderFigure(
      [
        {
          type: 'line',
          title: 'loss & <stuff>',
          xLabel: 'step',
          yLabel: 'nats',
          series: [
            {
              name: 'train',
              points: [
                [1, 6.9],
                [2, 6.1],
                [3, 5.5],
              ],
            },
            {
              name: 'validation "held out"',
              points: [
                [1, 6.2],
                [3, 5.8],
              ],
              markers: true,
              dashed: true,
            },
          ],
        },
        {
          type: 'bar',
          title: 'per layer',
          xLabel: 'layer',
          yLabel: 'similarity',
          categories: ['0', '1'],
          series: [
            { name: 'K', values: [0.99, 0.95] },
            { name: 'V', values: [0.98, Number.NaN] },
          ],
        },
      ],
      { columns: 2 },
    );

  it('writes well-formed, deterministic SVG with every series, escaped', () => {
    const svg = figure();
    expectWellFormedXml(svg);
    expect(svg).toBe(figure());
    expect(svg).toContain('loss &amp; &lt;stuff&gt;');
    expect(svg).toContain('validation &quot;held out&quot;');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(2); // the markers of the validation line
    expect(svg.match(/<rect x=[^>]*fill="#(1f77b4|ff7f0e)"/g)).toHaveLength(3 + 2); // bars + legend swatches
    expect(svg).toContain('width="1120"');
    expect(svg).toContain('<title>loss &amp; &lt;stuff&gt;; per layer</title>');
  });

  it('picks round ticks that cover the data', () => {
    const axis = axisFor([0.93, 0.999]);
    expect(axis.min).toBeLessThanOrEqual(0.93);
    expect(axis.max).toBeGreaterThanOrEqual(0.999);
    expect(axis.ticks[0]).toBeCloseTo(axis.min, 12);
    expect(axis.ticks.length).toBeGreaterThanOrEqual(3);
    const gaps = axis.ticks.slice(1).map((t, i) => t - axis.ticks[i]!);
    for (const gap of gaps) expect(gap).toBeCloseTo(gaps[0]!, 12);
    expect(axis.ticks.map((t) => t.toFixed(axis.decimals))).toEqual(['0.92', '0.94', '0.96', '0.98', '1.00']);
    expect(axisFor([5, 5]).max).toBeGreaterThan(axisFor([5, 5]).min);
    expect(axisFor([3, 7], { min: 0, max: 10 })).toMatchObject({
      min: 0,
      max: 10,
      ticks: [0, 2, 4, 6, 8, 10],
    });
  });
});

describe('feature recording', () => {
  const model = loadModel(TINY, { backend: cpuBackend });
  const prompt = [5, 17, 42, 8, 99, 3];
  const canvas = [...prompt, 310, 310, 310, 310];
  const step = { step: 0, blockStart: 6, blockEnd: 10 };

  it("gives none's logits and records every layer's features", () => {
    const forwards: RecordedForward[] = [];
    const recorder = new FeatureRecorder((f) => forwards.push(f));
    const ids = i32([1, canvas.length], canvas);
    const recorded = f32Data(recorder.logits(model, ids, step));
    const none = f32Data(createPolicy('none').logits(model, ids, step));
    expect(recorded).toEqual(none);
    expect(forwards).toHaveLength(1);
    expect(forwards[0]!.layers).toHaveLength(2);
    expect(forwards[0]!.layers[0]!.ffn).toHaveLength(canvas.length * 64);
  });

  it('measures similarity 1 between identical steps, and less where a token changed', () => {
    const similarity = new AdjacentSimilarity(2, 3);
    const recorder = new FeatureRecorder((f) => similarity.add(f));
    similarity.startRequest(prompt.length);
    const changed = [...prompt, 310, 77, 310, 310];
    recorder.logits(model, i32([1, 10], canvas), { ...step, step: 0 });
    recorder.logits(model, i32([1, 10], canvas), { ...step, step: 1 });
    recorder.logits(model, i32([1, 10], changed), { ...step, step: 2 });
    for (const layer of [0, 1]) {
      for (const feature of ['k', 'v', 'attn', 'ffn'] as const) {
        expect(similarity.perStep(layer, feature, 'prompt')[1]).toBeCloseTo(1, 12);
        expect(similarity.perStep(layer, feature, 'response')[1]).toBeCloseTo(1, 12);
        expect(Number.isNaN(similarity.perStep(layer, feature, 'committed')[1]!)).toBe(true);
      }
    }
    // Layer 0's K and V of a row depend only on its token and position.
    expect(similarity.perStep(0, 'k', 'prompt')[2]).toBeCloseTo(1, 12);
    expect(similarity.perStep(0, 'v', 'prompt')[2]).toBeCloseTo(1, 12);
    expect(similarity.perStep(0, 'attn', 'prompt')[2]).toBeLessThan(1 - 1e-6);
    expect(similarity.perStep(0, 'k', 'committed')[2]).toBeLessThan(0.99);
    expect(similarity.perStep(0, 'k', 'unchanged')[2]).toBeCloseTo(1, 12);
    expect(similarity.perStep(1, 'k', 'unchanged')[2]).toBeLessThan(1 - 1e-6);
    expect(Number.isNaN(similarity.perStep(0, 'k', 'prompt')[0]!)).toBe(true);
  });
});

describe('likelihood masks', () => {
  it('stratifies the masked count and is the same for the same seed', () => {
    const masks = likelihoodMasks(64, 8, 3);
    expect(masks.map((m) => m.length)).toEqual([4, 12, 20, 28, 36, 44, 52, 60]);
    for (const mask of masks) {
      expect(new Set(mask).size).toBe(mask.length);
      expect(mask.every((p, i) => p >= 0 && p < 64 && (i === 0 || p > mask[i - 1]!))).toBe(true);
    }
    expect(likelihoodMasks(64, 8, 3)).toEqual(masks);
    expect(likelihoodMasks(64, 8, 4)).not.toEqual(masks);
  });
});

interface QualityJson {
  rows: {
    label: string;
    agreement: number;
    firstDivergentStep: number;
    nllDelta: number;
    nll: number;
    flopsReduction: number;
  }[];
  referenceNll: number | null;
}

interface StabilityJson {
  layers: number;
  summary: { layer: number; feature: string; part: string; similarity: number }[];
  perStep: { similarity: (number | null)[] }[];
}

describe('unmask analyze', () => {
  const prompts = '5,17,42,8,99,3,250,11;60,61,62,63,1,2,3,4';

  it('quality: the exact dllm-cache setting agrees with none, the others are scored', () => {
    const out = mkdtempSync(join(tmpdir(), 'analyze-quality-'));
    const { code, stdout, stderr } = runCli([
      'analyze',
      'quality',
      '--model',
      TINY,
      '--prompt-ids',
      prompts,
      '--gen-length',
      '16',
      '--block-length',
      '8',
      '--configs',
      '1,1,0;4,4,0.25',
      '--likelihood-samples',
      '2',
      '--out',
      out,
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<QualityJson>(stdout);
    expect(result.rows.map((r) => r.label)).toEqual([
      'none',
      'dllm-cache (1, 1, 0)',
      'dllm-cache (4, 4, 0.25)',
      'prefix',
      'dual',
    ]);
    const [none, exact, cached] = result.rows;
    expect(none).toMatchObject({ agreement: 1, firstDivergentStep: 16, nllDelta: 0, flopsReduction: 1 });
    expect(exact).toMatchObject({ agreement: 1, firstDivergentStep: 16, nllDelta: 0 });
    expect(cached!.firstDivergentStep).toBeLessThan(16);
    expect(cached!.flopsReduction).toBeGreaterThan(1.2);
    expect(none!.nll).toBeGreaterThan(0);
    expect(result.referenceNll).toBeNull();
    const svg = readFileSync(join(out, 'quality.svg'), 'utf8');
    expectWellFormedXml(svg);
    expect(svg).toContain('dllm-cache (4, 4, 0.25)');
    const markdown = readFileSync(join(out, 'quality.md'), 'utf8');
    expect(markdown).toContain('| dllm-cache (1, 1, 0) | 1.0000 | 2/2 |');
    expect(markdown).toContain(`--prompt-ids '${prompts}'`);
  });

  it('stability: prompt K/V of layer 0 never change, every similarity is a cosine', () => {
    const out = mkdtempSync(join(tmpdir(), 'analyze-stability-'));
    const args = ['analyze', 'stability', '--model', TINY, '--prompt-ids', prompts, '--gen-length', '16'];
    const { code, stdout, stderr } = runCli([...args, '--block-length', '8', '--out', out, '--json']);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<StabilityJson>(stdout);
    expect(result.layers).toBe(2);
    expect(result.summary).toHaveLength(2 * 4 * 4);
    for (const value of result.summary) {
      expect(value.similarity).toBeGreaterThanOrEqual(-1);
      expect(value.similarity).toBeLessThanOrEqual(1 + 1e-9);
    }
    const at = (layer: number, feature: string, part: string) =>
      result.summary.find((v) => v.layer === layer && v.feature === feature && v.part === part)!.similarity;
    expect(at(0, 'k', 'prompt')).toBeCloseTo(1, 9);
    expect(at(0, 'v', 'prompt')).toBeCloseTo(1, 9);
    expect(at(1, 'attn', 'committed')).toBeLessThan(at(1, 'attn', 'prompt'));
    expect(result.perStep[0]!.similarity).toHaveLength(16);
    expect(result.perStep[0]!.similarity[0]).toBeNull();
    for (const name of ['stability-steps.svg', 'stability-layers.svg'])
      expectWellFormedXml(readFileSync(join(out, name), 'utf8'));
    expect(readFileSync(join(out, 'stability.md'), 'utf8')).toContain('| 0 | prompt | 1.0000 | 1.0000 |');
  });

  it('curve: plots a training log and tabulates its validations', () => {
    const out = mkdtempSync(join(tmpdir(), 'analyze-curve-'));
    const log = join(out, 'training_log.jsonl');
    const lines = [
      { type: 'start', step: 0 },
      ...Array.from({ length: 20 }, (_, i) => ({
        type: 'step',
        step: i + 1,
        loss: 7 - i * 0.1,
        lr: 1e-3,
        gradNorm: 1,
        tokensPerSecond: 900,
      })),
      { type: 'validation', step: 10, loss: 6.0042, maskedTokenLoss: 6.1404, maskedTokens: 2103 },
      { type: 'validation', step: 20, loss: 5.8404, maskedTokenLoss: 6.0169, maskedTokens: 2103 },
    ];
    writeFileSync(log, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const { code, stdout, stderr } = runCli([
      'analyze',
      'curve',
      '--log',
      log,
      '--smooth',
      '5',
      '--out',
      out,
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const result = lastJsonLine<{ steps: number; validations: { step: number }[] }>(stdout);
    expect(result.steps).toBe(20);
    expect(result.validations.map((v) => v.step)).toEqual([10, 20]);
    const svg = readFileSync(join(out, 'training-curve.svg'), 'utf8');
    expectWellFormedXml(svg);
    expect(svg).toContain('validation masked-token loss');
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    const markdown = readFileSync(join(out, 'training-curve.md'), 'utf8');
    expect(markdown).toContain('| 20 | 5.8404 | 6.0169 | 2103 |');
    // The mean of the last 5 losses: 5.5 .. 5.1.
    expect(markdown).toContain('Training objective at step 20: 5.3000');
  });

  it('curve: plots a DLCM training log in nats and tabulates bits per token and tokens per concept', () => {
    const out = mkdtempSync(join(tmpdir(), 'analyze-curve-dlcm-'));
    const log = join(out, 'training_log.jsonl');
    const step = (i: number, tokensPerConcept: number | null) => ({
      type: 'step',
      step: i + 1,
      loss: 5 - i * 0.1,
      crossEntropy: 4.9 - i * 0.1,
      auxLoss: 0.1,
      tokensPerConcept,
      meanProbability: tokensPerConcept === null ? null : 0.5,
      gradNorm: 1,
      lr: 1e-3,
    });
    const dlcm = [
      ...Array.from({ length: 10 }, (_, i) => step(i, 2)),
      { type: 'validation', step: 10, bitsPerToken: 6.5, tokensPerConcept: 1.94, predictedTokens: 4064 },
    ];
    writeFileSync(log, `${dlcm.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const { code, stderr } = runCli(['analyze', 'curve', '--log', log, '--smooth', '5', '--out', out]);
    expect(code, stderr).toBe(0);
    const svg = readFileSync(join(out, 'training-curve.svg'), 'utf8');
    expectWellFormedXml(svg);
    expect(svg).toContain('validation cross-entropy');
    expect(readFileSync(join(out, 'training-curve.md'), 'utf8')).toContain('| 10 | 6.5000 | 1.94 |');

    // A token-only model's log: null concept statistics, shown as '-'.
    const tokenOnly = [
      ...Array.from({ length: 4 }, (_, i) => step(i, null)),
      { type: 'validation', step: 4, bitsPerToken: 7.25, tokensPerConcept: null, predictedTokens: 100 },
    ];
    writeFileSync(log, `${tokenOnly.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const parsed = readTrainingLog(log);
    expect(parsed.kind).toBe('dlcm');
    expect(parsed.validations).toEqual([{ step: 4, bitsPerToken: 7.25, tokensPerConcept: null }]);
    expect(runCli(['analyze', 'curve', '--log', log, '--out', out]).code).toBe(0);
    expect(readFileSync(join(out, 'training-curve.md'), 'utf8')).toContain('| 4 | 7.2500 | - |');

    // One log cannot hold both trainers' validations.
    writeFileSync(
      log,
      `${JSON.stringify(dlcm.at(-1))}\n${JSON.stringify({ type: 'validation', step: 20, loss: 1, maskedTokenLoss: 1, maskedTokens: 1 })}\n`,
    );
    expect(() => readTrainingLog(log)).toThrow('mixes masked-diffusion and DLCM validation records');
  });

  it('curve: names the line of a malformed record', () => {
    const log = join(mkdtempSync(join(tmpdir(), 'analyze-log-')), 'training_log.jsonl');
    writeFileSync(log, '{"type":"start"}\n{"type":"step","step":1,"loss":"high","lr":0}\n');
    expect(() => readTrainingLog(log)).toThrow(AnalysisError);
    expect(() => readTrainingLog(log)).toThrow(`${log}:2: 'loss' must be a finite number, got "high"`);
    writeFileSync(log, '{"type":"start"}\n');
    expect(() => readTrainingLog(log)).toThrow('no "step" or "validation" records');
  });

  it('refuses an unknown analysis and options of another analysis', () => {
    const unknown = runCli(['analyze', 'speed']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('stability, quality, curve or dlcm');
    const foreign = runCli(['analyze', 'curve', '--configs', '1,1,0']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("--configs does not apply to 'analyze curve'");
  });
});
