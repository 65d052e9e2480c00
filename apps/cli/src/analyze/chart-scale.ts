/** A requested axis range; a missing end is taken from the data (rounded out to a tick). */
export interface AxisRange {
  min?: number;
  max?: number;
}

/** An axis: its domain, the ticks inside it, and how many decimals their labels need. */
export interface Axis {
  min: number;
  max: number;
  ticks: number[];
  decimals: number;
}

/** A step of 1, 2, 2.5 or 5 times a power of ten giving about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10;
  return multiple * power;
}

function decimalsOf(step: number): number {
  for (let decimals = 0; decimals < 12; decimals++) {
    const scaled = step * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return decimals;
  }
  return 12;
}

/**
 * An axis over `values` with about `count` ticks: the ends the caller fixed are kept, the others
 * rounded out to the next tick so every value lies inside.
 */
export function axisFor(values: readonly number[], range: AxisRange = {}, count = 5): Axis {
  const finite = values.filter(Number.isFinite);
  let low = range.min ?? (finite.length > 0 ? Math.min(...finite) : 0);
  let high = range.max ?? (finite.length > 0 ? Math.max(...finite) : 1);
  if (high <= low) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
    if (range.min === undefined) low -= pad;
    if (range.max === undefined || high < low) high = low + 2 * pad;
  }
  const step = niceStep(high - low, count);
  const min = range.min ?? Math.floor(low / step + 1e-9) * step;
  const max = range.max ?? Math.ceil(high / step - 1e-9) * step;
  const ticks: number[] = [];
  // "+ 0" turns a -0 tick into 0.
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) ticks.push(i * step + 0);
  return { min, max, ticks, decimals: decimalsOf(step) };
}

/** Maps a value on `axis` to a pixel between `from` (at min) and `to` (at max). */
export function scale(axis: Axis, from: number, to: number): (value: number) => number {
  const span = axis.max - axis.min;
  return (value) => from + ((value - axis.min) / span) * (to - from);
}
