import { formatTable } from '../output';
import type { PositionShare } from './dlcm-boundaries';
import type { ArmResult, DlcmExperimentResult } from './dlcm-experiment';
import { fixed, generatedNotice, markdownTable } from './markdown';
import type { Report } from './report';
import { type Chart, PALETTE, renderFigure } from './svg-chart';

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const mflops = (x: number) => (x / 1e6).toFixed(2);

function modelRows(result: DlcmExperimentResult): string[][] {
  const baseline = result.arms.find((a) => a.compressionRatio === undefined);
  return result.arms.map((arm) => [
    arm.label,
    arm.parameters.toLocaleString('en-US'),
    mflops(arm.flops.tokenLevel),
    mflops(arm.flops.conceptLevel),
    mflops(arm.flops.lmHead),
    mflops(arm.flops.total),
    baseline ? fixed(arm.flops.total / baseline.flops.total, 3) : 'n/a',
    fixed(arm.bitsPerToken, 4),
    baseline ? fixed(arm.bitsPerToken - baseline.bitsPerToken, 4) : 'n/a',
    arm.compressionRatio === undefined
      ? '1 (no concepts)'
      : `${fixed(arm.tokensPerConcept, 2)} (R=${arm.compressionRatio})`,
    fixed(arm.trainSeconds / 60, 1),
  ]);
}

const MODEL_HEADERS = [
  'model',
  'parameters',
  'token-level MFLOPs',
  'concept-level MFLOPs',
  'LM head MFLOPs',
  'total MFLOPs/token',
  'vs baseline',
  'held-out bits/token',
  'vs baseline (bits)',
  'tokens/concept',
  'train minutes',
];

function boundaryRows(arms: ArmResult[]): string[][] {
  const cell = (share: PositionShare) => `${percent(share.boundaries)} (tokens: ${percent(share.tokens)})`;
  return arms.flatMap((arm) =>
    arm.boundaries
      ? [
          [
            arm.label,
            String(arm.boundaries.concepts),
            cell(arm.boundaries.wordStart),
            cell(arm.boundaries.lineStart),
            cell(arm.boundaries.afterPunctuation),
          ],
        ]
      : [],
  );
}

function generationRows(result: DlcmExperimentResult): string[][] {
  const baseline = result.generation.find((g) => g.name === 'baseline');
  return result.generation.map((g) => [
    g.label,
    `${g.promptTokens} + ${g.newTokens}`,
    fixed(g.cachedTokensPerSecond, 1),
    baseline ? fixed(g.cachedTokensPerSecond / baseline.cachedTokensPerSecond, 2) : 'n/a',
    fixed(g.recomputeTokensPerSecond, 1),
    fixed(g.cachedTokensPerSecond / g.recomputeTokensPerSecond, 1),
    g.recomputeAgrees ? 'yes' : 'NO',
  ]);
}

const GENERATION_HEADERS = [
  'model',
  'prompt + new tokens',
  'cached tokens/s',
  'vs baseline',
  'recompute tokens/s',
  'cache speedup',
  'same tokens',
];

function charts(result: DlcmExperimentResult): Chart[] {
  const dlcms = result.arms.filter((a) => a.compressionRatio !== undefined);
  return [
    {
      type: 'line',
      title: 'Held-out loss against training compute',
      xLabel: 'training TFLOPs (3 x forward FLOPs per token x tokens)',
      yLabel: 'bits per token',
      series: result.arms.map((arm, i) => ({
        name: arm.label,
        color: PALETTE[i],
        markers: true,
        points: arm.curve.map((p) => [p.trainingFlops / 1e12, p.bitsPerToken] as const),
      })),
    },
    {
      type: 'line',
      title: 'Realised compression (inference rule, held-out)',
      xLabel: 'optimizer step',
      yLabel: 'tokens per concept',
      x: { min: 0 },
      y: { min: 1 },
      series: dlcms.flatMap((arm) => {
        const color = PALETTE[result.arms.indexOf(arm)];
        const steps = arm.curve.map((p) => p.step);
        return [
          {
            name: arm.label,
            color,
            markers: true,
            points: arm.curve.map((p) => [p.step, p.tokensPerConcept] as const),
          },
          {
            name: `target R=${arm.compressionRatio}`,
            color,
            dashed: true,
            width: 1,
            points: [
              [Math.min(0, ...steps), arm.compressionRatio!],
              [Math.max(...steps), arm.compressionRatio!],
            ] as const,
          },
        ];
      }),
    },
    {
      type: 'bar',
      title: 'Greedy generation speed',
      xLabel: 'model',
      yLabel: 'tokens per second',
      categories: result.generation.map((g) => g.label),
      series: [
        {
          name: 'session caches',
          values: result.generation.map((g) => g.cachedTokensPerSecond),
          color: PALETTE[0],
        },
        {
          name: 'recompute',
          values: result.generation.map((g) => g.recomputeTokensPerSecond),
          color: PALETTE[7],
        },
      ],
    },
  ];
}

/** `data` names the corpus as the reader should see it (e.g. relative to the repository). */
export function dlcmReport(result: DlcmExperimentResult, context: { command: string; data: string }): Report {
  const examples = result.arms.flatMap((arm) =>
    arm.boundaries
      ? [
          `${arm.label}:`,
          '',
          ...arm.boundaries.examples.map((e) => `    ${JSON.stringify(e).slice(1, -1)}`),
          '',
        ]
      : [],
  );
  const markdown = [
    generatedNotice(context.command),
    '',
    '# DLCM against a token-level baseline: measurements',
    '',
    `Data: \`${context.data}\` (the trainer's split: last 10% held out). Each model: ${result.steps} steps of ${result.batchSize} x ${result.seqLen} tokens,`,
    'the same BPE tokenizer, run settings and seed. FLOPs per token are counted from shapes by `dlcmFlopsPerToken`',
    `(forward, a ${result.seqLen}-token window, at the realised tokens per concept; see packages/dlcm/README.md for the formula).`,
    'Held-out bits per token: next-token cross-entropy on the same held-out windows, boundaries by the inference rule.',
    '',
    '![Held-out loss against training FLOPs, realised compression, generation speed](dlcm-experiment.svg)',
    '',
    '## Models',
    '',
    markdownTable(MODEL_HEADERS, modelRows(result)),
    '',
    '## Where the boundaries fall',
    '',
    "Share of the boundaries (a window's forced first boundary left out) at each kind of position, and in brackets the share of all tokens that are such a position: a detector that ignored the text would match the bracket.",
    '',
    markdownTable(
      ['model', 'concepts', 'word starts', 'line starts', 'after punctuation'],
      boundaryRows(result.arms),
    ),
    '',
    'Held-out passages, `|` between concepts (the first 48 tokens of a window):',
    '',
    ...examples,
    '## Generation speed',
    '',
    'Greedy, EOS ignored, after a 64-token held-out prompt; the models take turns in each of three rounds and the median round is shown. Recompute reruns the whole forward pass over the prefix for every token (32 tokens).',
    '',
    markdownTable(GENERATION_HEADERS, generationRows(result)),
    '',
  ].join('\n');
  return {
    files: {
      'dlcm-experiment.svg': renderFigure(charts(result), { columns: 3, panelWidth: 520, panelHeight: 360 }),
      'dlcm-experiment.md': markdown,
    },
    text: [
      formatTable(MODEL_HEADERS, modelRows(result)),
      '',
      formatTable(GENERATION_HEADERS, generationRows(result)),
    ].join('\n'),
  };
}
