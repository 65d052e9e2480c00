import { formatTable } from '../output';
import { ROW_PARTS, type RowPart } from './adjacent-similarity';
import { FEATURE_NAMES, FEATURES } from './feature-recorder';
import { fixed, generatedNotice, markdownTable } from './markdown';
import type { Report, ReportContext } from './report';
import type { StabilityResult } from './stability';
import { type Chart, PALETTE, renderFigure } from './svg-chart';

const PART_TITLES: Record<RowPart, string> = {
  prompt: 'prompt rows',
  response: 'response rows',
  unchanged: 'response rows, token unchanged',
  committed: 'response rows the previous step committed',
};

export function stabilityReport(result: StabilityResult, context: ReportContext): Report {
  const { shape } = result;
  const tableRows = Array.from({ length: result.layers }, (_, layer) =>
    ROW_PARTS.map((part) => [
      String(layer),
      part,
      ...FEATURES.map((feature) => fixed(meanSimilarity(result, layer, feature, part), 4)),
    ]),
  ).flat();
  const headers = ['layer', 'rows', ...FEATURES.map((f) => FEATURE_NAMES[f])];
  const markdown = [
    generatedNotice(context.command),
    '',
    '# Feature stability between adjacent denoising steps',
    '',
    `Model: ${context.model}. Prompts: ${context.prompts} (${result.prompts} prompts of ${result.promptLength} tokens).`,
    `Generation: LLaDA sampler without a cache, ${shape.genLength} tokens in blocks of ${shape.blockLength}, ${shape.steps} steps, greedy, low-confidence remasking.`,
    '',
    "Cosine similarity of each row's feature at step t with the same row's at step t - 1 (K after RoPE,",
    'K and V over all heads), averaged over the rows of each kind, the steps 1..' +
      `${shape.steps - 1} and the prompts. The response rows are split into "unchanged" (same token as at the`,
    'previous step: still masked, or committed earlier) and "committed" (unmasked by the previous step).',
    '',
    '![Similarity between adjacent steps, per step](stability-steps.svg)',
    '',
    '![Mean similarity between adjacent steps, per layer](stability-layers.svg)',
    '',
    markdownTable(headers, tableRows),
    '',
  ].join('\n');
  return {
    files: {
      'stability-steps.svg': renderFigure(stepCharts(result), {
        title:
          'Cosine similarity of K, V, attention and FFN outputs between adjacent steps, per layer, prompt vs response',
        columns: 2,
        panelWidth: 600,
      }),
      'stability-layers.svg': renderFigure(layerCharts(result), {
        title:
          'Mean similarity between adjacent steps per layer: prompt, unchanged and committed response rows',
        columns: 3,
        panelWidth: 480,
      }),
      'stability.md': markdown,
    },
    text: formatTable(headers, tableRows),
  };
}

function meanSimilarity(result: StabilityResult, layer: number, feature: string, part: RowPart): number {
  const found = result.summary.find((v) => v.layer === layer && v.feature === feature && v.part === part);
  return found?.similarity ?? Number.NaN;
}

/** One panel per feature: similarity against step, a colour per layer, prompt dashed, response solid. */
function stepCharts(result: StabilityResult): Chart[] {
  return FEATURES.map((feature) => ({
    type: 'line',
    title: `${FEATURE_NAMES[feature]}: similarity to the previous step`,
    xLabel: 'denoising step',
    yLabel: 'cosine similarity',
    x: { min: 0, max: result.shape.steps },
    y: { max: 1 },
    series: Array.from({ length: result.layers }, (_, layer) =>
      (['response', 'prompt'] as const).map((part) => {
        const values = result.perStep.find(
          (v) => v.layer === layer && v.feature === feature && v.part === part,
        )!.similarity;
        return {
          name: `layer ${layer}, ${part}`,
          color: PALETTE[layer % PALETTE.length]!,
          dashed: part === 'prompt',
          width: 1.5,
          points: values.flatMap((value, step) => (value === null ? [] : [[step, value] as const])),
        };
      }),
    ).flat(),
  }));
}

/**
 * Grouped bars of the four features per layer, on a shared axis, for the prompt rows and the two
 * kinds of response rows.
 */
function layerCharts(result: StabilityResult): Chart[] {
  const lowest = Math.min(...result.summary.map((v) => v.similarity).filter(Number.isFinite));
  // A tenth below the lowest bar, so that it still shows.
  const min = Math.max(0, Math.floor(lowest * 10) / 10 - 0.1);
  return (['prompt', 'unchanged', 'committed'] as const).map((part) => ({
    type: 'bar',
    title: PART_TITLES[part],
    xLabel: 'layer',
    yLabel: 'mean cosine similarity',
    y: { min, max: 1 },
    categories: Array.from({ length: result.layers }, (_, layer) => String(layer)),
    series: FEATURES.map((feature) => ({
      name: FEATURE_NAMES[feature],
      values: Array.from({ length: result.layers }, (_, layer) =>
        meanSimilarity(result, layer, feature, part),
      ),
    })),
  }));
}
