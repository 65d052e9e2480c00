import { formatTable } from '../output';
import { fixed, generatedNotice, markdownTable } from './markdown';
import type { QualityResult } from './quality';
import type { Report, ReportContext } from './report';
import { type Chart, type LineSeries, PALETTE, renderFigure } from './svg-chart';

/** A report's context plus how to show token ids as text (absent for models without a tokenizer). */
export interface QualityContext extends ReportContext {
  decode?: (ids: number[]) => string;
}

export function qualityReport(result: QualityResult, context: QualityContext): Report {
  const { shape } = result;
  const headers = [
    'policy',
    'agreement',
    'identical',
    'first divergent step',
    'NLL (nats/token)',
    'NLL - none',
    's.e.',
    'speedup',
    'FLOPs reduction',
    'seconds',
  ];
  const rows = result.rows.map((row) => [
    row.label,
    fixed(row.agreement, 4),
    `${row.identicalResponses}/${result.prompts}`,
    fixed(row.firstDivergentStep, 1),
    fixed(row.nll, 4),
    fixed(row.nllDelta, 4),
    fixed(row.nllDeltaStdError, 4),
    fixed(row.speedup, 2),
    fixed(row.flopsReduction, 2),
    fixed(row.seconds, 2),
  ]);
  const reference =
    result.referenceNll === null
      ? ''
      : `For scale: the text that really follows each prompt scores ${fixed(result.referenceNll, 4)} nats/token on the same estimate.`;
  const markdown = [
    generatedNotice(context.command),
    '',
    '# Quality under caching',
    '',
    `Model: ${context.model}. Prompts: ${context.prompts} (${result.prompts} prompts of ${result.promptLength} tokens).`,
    `Generation: LLaDA sampler, ${shape.genLength} tokens in blocks of ${shape.blockLength}, ${shape.steps} steps, greedy, low-confidence remasking; dllm-cache settings are (Kp, Kr, rho).`,
    '',
    "- agreement: the fraction of response positions holding none's token, averaged over the prompts; identical: prompts whose whole response is none's; first divergent step: the first step (0-based, mean over prompts) that committed other positions or tokens than none did at that step " +
      `(${shape.steps}: never).`,
    `- NLL: LLaDA's Monte-Carlo bound on -log p(response | prompt) under the uncached model, per response token, with the same ${result.likelihoodSamples} masks (masked counts stratified over 1..${shape.genLength}) for every policy; averaged over the prompts. s.e.: the standard error of NLL - none over the prompts (paired by prompt).`,
    "- speedup: none's wall time over the policy's, all prompts, the policies taking turns on each prompt in the same run; FLOPs reduction: the same ratio of the policies' own FLOP counts.",
    '',
    '![Agreement with none and likelihood against speedup](quality.svg)',
    '',
    markdownTable(headers, rows),
    '',
    ...(reference ? [reference, ''] : []),
    ...firstPromptSection(result, context),
  ].join('\n');
  return {
    files: {
      'quality.svg': renderFigure(charts(result), {
        title: 'Token agreement with none and likelihood of the responses against speedup, per cache policy',
        columns: 2,
        panelWidth: 620,
      }),
      'quality.md': markdown,
    },
    text: [formatTable(headers, rows), reference].filter(Boolean).join('\n'),
  };
}

function charts(result: QualityResult): Chart[] {
  // none black, the dllm-cache settings in palette order as dots, prefix and dual as squares.
  let nextColor = 0;
  const looks = result.rows.map((row): Pick<LineSeries, 'color' | 'marker'> => {
    if (row.policy === 'none') return { color: '#000000', marker: 'square' };
    if (row.policy === 'dllm-cache') return { color: PALETTE[nextColor++ % PALETTE.length]! };
    return { color: row.policy === 'prefix' ? '#17becf' : '#8c564b', marker: 'square' };
  });
  const points = (value: (row: QualityResult['rows'][number]) => number): LineSeries[] =>
    result.rows.map((row, i) => ({
      name: row.label,
      points: [[row.speedup, value(row)]],
      line: false,
      ...looks[i],
    }));
  const speedups = result.rows.map((row) => row.speedup);
  const x = { min: 0, max: Math.max(...speedups.filter(Number.isFinite)) * 1.1 };
  const likelihood = points((row) => row.nll);
  if (result.referenceNll !== null) {
    likelihood.push({
      name: 'held-out text',
      color: '#000000',
      dashed: true,
      width: 1,
      points: [
        [x.min, result.referenceNll],
        [x.max, result.referenceNll],
      ],
    });
  }
  return [
    {
      type: 'line',
      title: 'Token agreement with none',
      xLabel: 'speedup over none (wall time)',
      yLabel: 'fraction of response tokens',
      x,
      y: { max: 1 },
      series: points((row) => row.agreement),
    },
    {
      type: 'line',
      title: 'Likelihood of the response (uncached model)',
      xLabel: 'speedup over none (wall time)',
      yLabel: 'NLL bound, nats per token',
      x,
      series: likelihood,
    },
  ];
}

function firstPromptSection(result: QualityResult, context: QualityContext): string[] {
  const { decode } = context;
  const show = (ids: number[]) => (decode ? decode(ids) : ids.join(','));
  return [
    "## The first prompt's responses",
    '',
    'Prompt:',
    '',
    '```text',
    show(result.firstPrompt.prompt),
    '```',
    '',
    ...result.firstPrompt.responses.flatMap((response) => [
      `${response.policies.join(', ')}:`,
      '',
      '```text',
      show(response.ids),
      '```',
      '',
    ]),
  ];
}
