import { type Axis, type AxisRange, axisFor, scale } from './chart-scale';

/** A line (or, with `line: false`, a set of points) through (x, y) points. */
export interface LineSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Default: the palette colour of the series' index. */
  color?: string;
  dashed?: boolean;
  /** Stroke width in pixels (default 2). */
  width?: number;
  /** Stroke opacity (default 1). */
  opacity?: number;
  /** A dot at every point. */
  markers?: boolean;
  /** The dot's shape (default circle). */
  marker?: 'circle' | 'square';
  /** Draw the connecting line (default true). */
  line?: boolean;
}

export interface LineChart {
  type: 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  x?: AxisRange;
  y?: AxisRange;
}

/** Grouped bars: for each category, one bar per series. */
export interface BarChart {
  type: 'bar';
  title: string;
  xLabel: string;
  yLabel: string;
  categories: string[];
  series: { name: string; values: readonly number[]; color?: string }[];
  /** Bars rise from 0, or from the bottom of the axis when 0 lies below it. */
  y?: AxisRange;
}

export type Chart = LineChart | BarChart;

export interface FigureOptions {
  /** The figure's alternative text (its <title>); default the panels' titles. */
  title?: string;
  /** Panels per row (default: all in one row). */
  columns?: number;
  panelWidth?: number;
  panelHeight?: number;
}

/** d3's category10: distinct on white, in a fixed order so files do not change between runs. */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';
/** Rough width of a 12 px sans-serif character, to size the legend. */
const CHAR_WIDTH = 7;

/** One SVG holding `charts` as panels on a grid; the same input gives the same bytes. */
export function renderFigure(charts: readonly Chart[], options: FigureOptions = {}): string {
  const columns = Math.max(1, Math.min(options.columns ?? charts.length, charts.length));
  const width = options.panelWidth ?? 560;
  const height = options.panelHeight ?? 340;
  const rows = Math.ceil(charts.length / columns);
  const total = { width: columns * width, height: rows * height };
  const panels = charts.map((chart, i) => {
    const offset = { x: (i % columns) * width, y: Math.floor(i / columns) * height };
    return `<g transform="translate(${offset.x} ${offset.y})">\n${panel(chart, i, width, height)}\n</g>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${total.width}" height="${total.height}" viewBox="0 0 ${total.width} ${total.height}" ${FONT} font-size="12">`,
    `<title>${escapeXml(options.title ?? charts.map((c) => c.title).join('; '))}</title>`,
    `<rect width="${total.width}" height="${total.height}" fill="#ffffff"/>`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}

export function renderChart(chart: Chart, options: Omit<FigureOptions, 'columns'> = {}): string {
  return renderFigure([chart], options);
}

interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function panel(chart: Chart, index: number, width: number, height: number): string {
  const names = chart.series.map((s) => s.name);
  const legendWidth = Math.max(...names.map((n) => n.length), 4) * CHAR_WIDTH + 40;
  const frame: Frame = { left: 68, right: width - legendWidth - 8, top: 34, bottom: height - 48 };
  const clipId = `plot-area-${index}`;
  const parts = [
    text(width / 2, 20, chart.title, 'middle', 'font-size="14" font-weight="bold"'),
    `<clipPath id="${clipId}"><rect x="${fmt(frame.left)}" y="${fmt(frame.top)}" width="${fmt(frame.right - frame.left)}" height="${fmt(frame.bottom - frame.top)}"/></clipPath>`,
  ];
  const body = chart.type === 'line' ? lineBody(chart, frame) : barBody(chart, frame);
  parts.push(...body.axes, `<g clip-path="url(#${clipId})">`, ...body.marks, '</g>', ...(body.dots ?? []));
  parts.push(
    `<rect x="${fmt(frame.left)}" y="${fmt(frame.top)}" width="${fmt(frame.right - frame.left)}" height="${fmt(frame.bottom - frame.top)}" fill="none" stroke="#333333"/>`,
    text((frame.left + frame.right) / 2, height - 10, chart.xLabel, 'middle'),
    `<text x="16" y="${fmt((frame.top + frame.bottom) / 2)}" text-anchor="middle" transform="rotate(-90 16 ${fmt((frame.top + frame.bottom) / 2)})">${escapeXml(chart.yLabel)}</text>`,
    ...legend(chart, frame.right + 12, frame.top),
  );
  return parts.join('\n');
}

interface Body {
  axes: string[];
  /** Drawn clipped to the plot area. */
  marks: string[];
  /** Drawn on top, unclipped. */
  dots?: string[];
}

function lineBody(chart: LineChart, frame: Frame): Body {
  const xAxis = axisFor(
    chart.series.flatMap((s) => s.points.map((p) => p[0])),
    chart.x,
    8,
  );
  const yAxis = axisFor(
    chart.series.flatMap((s) => s.points.map((p) => p[1])),
    chart.y,
  );
  const x = scale(xAxis, frame.left, frame.right);
  const y = scale(yAxis, frame.bottom, frame.top);
  const axes = [...yGrid(yAxis, y, frame), ...xTicks(xAxis, x, frame)];
  const marks = chart.series.flatMap((series, i) => {
    const color = series.color ?? colorOf(i);
    const finite = series.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py));
    const out: string[] = [];
    if (series.line !== false && finite.length > 1) {
      const path = finite.map(([px, py]) => `${fmt(x(px))},${fmt(y(py))}`).join(' ');
      out.push(
        `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="${series.width ?? 2}"` +
          `${series.opacity === undefined ? '' : ` stroke-opacity="${series.opacity}"`}` +
          `${series.dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round"/>`,
      );
    }
    return out;
  });
  // Dots are not clipped (one on the frame stays whole); those outside the axes are left out.
  const inside = (value: number, axis: Axis) => value >= axis.min && value <= axis.max;
  const dots = chart.series.flatMap((series, i) =>
    series.markers || series.line === false
      ? series.points
          .filter(([px, py]) => inside(px, xAxis) && inside(py, yAxis))
          .map(([px, py]) => dot(series.marker, x(px), y(py), series.color ?? colorOf(i)))
      : [],
  );
  return { axes, marks, dots };
}

function barBody(chart: BarChart, frame: Frame): Body {
  const values = chart.series.flatMap((s) => s.values);
  const yAxis = axisFor([0, ...values], chart.y);
  const y = scale(yAxis, frame.bottom, frame.top);
  const baseline = y(Math.min(Math.max(0, yAxis.min), yAxis.max));
  const slot = (frame.right - frame.left) / Math.max(1, chart.categories.length);
  const barWidth = (slot * 0.8) / Math.max(1, chart.series.length);
  const axes = [...yGrid(yAxis, y, frame)];
  chart.categories.forEach((category, c) => {
    const center = frame.left + slot * (c + 0.5);
    axes.push(text(center, frame.bottom + 18, category, 'middle'));
  });
  const marks: string[] = [];
  chart.series.forEach((series, s) => {
    const color = series.color ?? colorOf(s);
    series.values.forEach((value, c) => {
      if (!Number.isFinite(value) || c >= chart.categories.length) return;
      const left = frame.left + slot * c + slot * 0.1 + barWidth * s;
      const top = Math.min(y(value), baseline);
      const barHeight = Math.abs(baseline - y(value));
      marks.push(
        `<rect x="${fmt(left)}" y="${fmt(top)}" width="${fmt(barWidth * 0.92)}" height="${fmt(barHeight)}" fill="${color}"/>`,
      );
    });
  });
  return { axes, marks };
}

function yGrid(axis: Axis, y: (v: number) => number, frame: Frame): string[] {
  return axis.ticks.flatMap((tick) => [
    `<line x1="${fmt(frame.left)}" x2="${fmt(frame.right)}" y1="${fmt(y(tick))}" y2="${fmt(y(tick))}" stroke="#dddddd"/>`,
    text(frame.left - 6, y(tick) + 4, tick.toFixed(axis.decimals), 'end'),
  ]);
}

function xTicks(axis: Axis, x: (v: number) => number, frame: Frame): string[] {
  return axis.ticks.flatMap((tick) => [
    `<line x1="${fmt(x(tick))}" x2="${fmt(x(tick))}" y1="${fmt(frame.bottom)}" y2="${fmt(frame.bottom + 5)}" stroke="#333333"/>`,
    text(x(tick), frame.bottom + 18, tick.toFixed(axis.decimals), 'middle'),
  ]);
}

function legend(chart: Chart, left: number, top: number): string[] {
  return chart.series.flatMap((series, i) => {
    const color = series.color ?? colorOf(i);
    const y = top + 10 + i * 18;
    const line = chart.type === 'line' ? (series as LineSeries) : undefined;
    const swatch =
      line === undefined
        ? `<rect x="${fmt(left)}" y="${fmt(y - 6)}" width="22" height="12" fill="${color}"/>`
        : line.line === false
          ? dot(line.marker, left + 11, y, color)
          : `<line x1="${fmt(left)}" x2="${fmt(left + 22)}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="${color}" stroke-width="${line.width ?? 2}"` +
            `${line.opacity === undefined ? '' : ` stroke-opacity="${line.opacity}"`}${line.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    return [swatch, text(left + 28, y + 4, series.name, 'start')];
  });
}

function dot(shape: LineSeries['marker'], cx: number, cy: number, color: string): string {
  return shape === 'square'
    ? `<rect x="${fmt(cx - 4)}" y="${fmt(cy - 4)}" width="8" height="8" fill="${color}"/>`
    : `<circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="4" fill="${color}"/>`;
}

function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end', extra = ''): string {
  return `<text x="${fmt(x)}" y="${fmt(y)}" text-anchor="${anchor}"${extra ? ` ${extra}` : ''}>${escapeXml(content)}</text>`;
}

/** Coordinates with one decimal, and never "-0.0". */
function fmt(value: number): string {
  const out = value.toFixed(1);
  return out === '-0.0' ? '0.0' : out;
}

export function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
