/** A bar chart's geometry (chart.tsx draws it). Pure. */

export interface SeriesPoint {
  readonly from: string;
  readonly to: string;
  readonly value: number;
}

export interface Bar {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly point: SeriesPoint;
}

export interface ChartLayout {
  readonly bars: Bar[];
  /** Gridlines: value and height on the chart. */
  readonly ticks: { value: number; y: number }[];
  readonly max: number;
}

/** A "nice" top for the axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p) as number;
}

/**
 * Bars of `points` in a plot of `width` × `height` (y grows downwards, as in SVG).
 *
 * @example barLayout([{ from: '2026-11-30', to: '2026-12-06', value: 4 }], 100, 50).bars[0] // { x: 10, y: 10, width: 80, height: 40, … }
 */
export function barLayout(points: readonly SeriesPoint[], width: number, height: number): ChartLayout {
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const slot = points.length > 0 ? width / points.length : width;
  const gap = Math.min(slot * 0.2, 8);
  const bars = points.map((point, i) => {
    const h = (point.value / max) * height;
    return { x: i * slot + gap / 2, y: height - h, width: slot - gap, height: h, point };
  });
  const ticks = [0, 0.5, 1].map((f) => ({ value: max * f, y: height - f * height }));
  return { bars, ticks, max };
}
