import { formatTable } from '../output';
import { fixed, generatedNotice, markdownTable } from './markdown';
import type { Report } from './report';
import { type Chart, type LineChart, renderFigure } from './svg-chart';
import { type TrainingLog, trailingMean } from './training-log';

export interface CurveContext {
  command: string;
  /** The log as the report names it. */
  log: string;
  /** Steps in the trailing mean of the training loss. */
  smooth: number;
}

export function curveReport(log: TrainingLog, context: CurveContext): Report {
  const validation = validationView(log);
  const smoothed = trailingMean(
    log.steps.map((s) => s.loss),
    context.smooth,
  );
  const last = log.steps.at(-1);
  const summary = last
    ? `Training objective at step ${last.step}: ${fixed(smoothed.at(-1)!, 4)} (mean of the last ${Math.min(context.smooth, log.steps.length)} steps).`
    : 'The log holds no training steps.';
  const { headers, rows } = validation;
  const markdown = [
    generatedNotice(context.command),
    '',
    '# Training curve',
    '',
    `Log: ${context.log}. ${validation.description} The smoothed line is the mean of the last ${context.smooth} steps.`,
    '',
    '![Training loss and validation loss against step](training-curve.svg)',
    '',
    summary,
    '',
    rows.length > 0 ? markdownTable(headers, rows) : 'The log holds no validation records.',
    '',
  ].join('\n');
  return {
    files: {
      'training-curve.svg': renderFigure(charts(log, validation.series, smoothed, context.smooth), {
        panelWidth: 800,
        panelHeight: 420,
      }),
      'training-curve.md': markdown,
    },
    text: [summary, rows.length > 0 ? formatTable(headers, rows) : ''].filter(Boolean).join('\n'),
  };
}

/** How each trainer's validations are described, tabulated and plotted (in nats, as the training loss). */
function validationView(log: TrainingLog): {
  description: string;
  headers: string[];
  rows: string[][];
  series: LineChart['series'];
} {
  if (log.kind === 'dlcm') {
    return {
      description:
        "The training loss is the DLCM objective of each step's batch (next-token CE + lambda * Global Parser loss); validation is the next-token cross-entropy of held-out sequences with boundaries by the inference rule.",
      headers: ['step', 'bits per token', 'tokens per concept'],
      rows: log.validations.map((v) => [
        String(v.step),
        fixed(v.bitsPerToken, 4),
        v.tokensPerConcept === null ? '-' : fixed(v.tokensPerConcept, 2),
      ]),
      series: [
        {
          name: 'validation cross-entropy',
          color: '#2ca02c',
          markers: true,
          points: log.validations.map((v) => [v.step, v.bitsPerToken * Math.LN2]),
        },
      ],
    };
  }
  return {
    description:
      "The training loss is the LLaDA objective of each step's batch (CE of the masked tokens / t). Validation runs on the same held-out sequences and masks every time: the objective, and the mean cross-entropy of the masked tokens.",
    headers: ['step', 'objective', 'masked-token loss (nats)', 'masked tokens'],
    rows: log.validations.map((v) => [
      String(v.step),
      fixed(v.loss, 4),
      fixed(v.maskedTokenLoss, 4),
      String(v.maskedTokens),
    ]),
    series: [
      {
        name: 'validation objective',
        color: '#ff7f0e',
        dashed: true,
        markers: true,
        points: log.validations.map((v) => [v.step, v.loss]),
      },
      {
        name: 'validation masked-token loss',
        color: '#2ca02c',
        markers: true,
        points: log.validations.map((v) => [v.step, v.maskedTokenLoss]),
      },
    ],
  };
}

function charts(
  log: TrainingLog,
  validation: LineChart['series'],
  smoothed: number[],
  smooth: number,
): Chart[] {
  const loss: LineChart = {
    type: 'line',
    title: 'Training and validation loss',
    xLabel: 'optimizer step',
    yLabel: 'loss (nats)',
    x: { min: 0 },
    series: [
      {
        name: 'training objective',
        color: '#1f77b4',
        width: 1,
        opacity: 0.3,
        points: log.steps.map((s) => [s.step, s.loss]),
      },
      {
        name: `training objective, mean of ${smooth}`,
        color: '#1f77b4',
        points: log.steps.map((s, i) => [s.step, smoothed[i]!]),
      },
      ...validation,
    ],
  };
  // A log of validations alone (or steps alone) gets no empty legend entries.
  return [{ ...loss, series: loss.series.filter((series) => series.points.length > 0) }];
}
