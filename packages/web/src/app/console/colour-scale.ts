/**
 * The area map's choropleth: which number colours a cell, and how numbers become colours. Five
 * classes with boundaries at the quantiles of the values shown, so a quiet office and a busy one
 * both show their spread; "no value" (no baseline, never patrolled) is grey, never a colour. Pure.
 */
import type { MessageKey } from '../../messages';

/** What GET /stats/cells gives per cell, as far as the map reads it. */
export interface CellNumbers {
  readonly id: string;
  readonly open: number;
  readonly overdue: number;
  readonly reductionPct: number | null;
  readonly daysSinceJointPatrol: number | null;
  readonly lastJointPatrolDate: string | null;
  readonly manualPriority: number;
  readonly baseline: number | null;
  readonly remaining: number;
}

export type MapMetric = 'open' | 'overdue' | 'reduction' | 'staleness';

export const MAP_METRICS: readonly {
  readonly key: MapMetric;
  readonly label: MessageKey;
  /** Where the eye should go: many open, little reduction, long ago. */
  readonly worseWhen: 'high' | 'low';
  /** Counts and days are whole numbers; a percentage is not. */
  readonly whole: boolean;
  readonly value: (c: CellNumbers) => number | null;
}[] = [
  { key: 'open', label: 'console.map.metric.open', worseWhen: 'high', whole: true, value: (c) => c.open },
  {
    key: 'overdue',
    label: 'console.map.metric.overdue',
    worseWhen: 'high',
    whole: true,
    value: (c) => c.overdue,
  },
  {
    key: 'reduction',
    label: 'console.map.metric.reduction',
    worseWhen: 'low',
    whole: false,
    value: (c) => c.reductionPct,
  },
  {
    key: 'staleness',
    label: 'console.map.metric.staleness',
    worseWhen: 'high',
    whole: true,
    value: (c) => c.daysSinceJointPatrol,
  },
];

/** Light to dark: calm to needing attention (ColorBrewer YlOrRd, 5 classes). */
export const PALETTE = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'] as const;
export const NO_VALUE = '#d1d5db';

export interface ColourScale {
  /** Class i holds values v with breaks[i-1] < v ≤ breaks[i] (the first: v ≤ breaks[0]). */
  readonly breaks: readonly number[];
  readonly colours: readonly string[];
  readonly worseWhen: 'high' | 'low';
  /** The smallest value shown: the first class starts there. */
  readonly min: number;
  /** Whole numbers: a class starts at the one after the previous class's end. */
  readonly whole: boolean;
}

/**
 * A scale over the values shown: up to five classes at the quantiles, fewer when the values are
 * fewer (every distinct value its own class), colours running towards "worse".
 *
 * @example colourScale([0, 0, 1, 2, 9], 'high').breaks // [0, 1, 2, 9]
 */
export function colourScale(
  values: readonly (number | null)[],
  worseWhen: 'high' | 'low',
  whole = true,
): ColourScale {
  const sorted = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  const breaks: number[] = [];
  for (let i = 1; i <= PALETTE.length; i++) {
    const q = sorted[Math.min(sorted.length - 1, Math.ceil((i / PALETTE.length) * sorted.length) - 1)];
    if (q !== undefined && breaks[breaks.length - 1] !== q) breaks.push(q);
  }
  // With fewer classes than colours, spread them over the palette rather than use only the light end.
  const colours = breaks.map((_, i) => {
    const at = breaks.length === 1 ? 0 : Math.round((i * (PALETTE.length - 1)) / (breaks.length - 1));
    return PALETTE[worseWhen === 'high' ? at : PALETTE.length - 1 - at] as string;
  });
  return { breaks, colours, worseWhen, min: sorted[0] ?? 0, whole };
}

/** @example colourOf(colourScale([0, 5], 'high'), 5) // '#bd0026' */
export function colourOf(scale: ColourScale, value: number | null): string {
  if (value === null || !Number.isFinite(value) || scale.breaks.length === 0) return NO_VALUE;
  const i = scale.breaks.findIndex((b) => value <= b);
  return scale.colours[i === -1 ? scale.colours.length - 1 : i] as string;
}

/**
 * The legend's rows: each class as "from – to" (a class of one value as that value).
 *
 * @example legendOf(colourScale([0, 1, 5, 9], 'high')).map((r) => r.label) // ['0', '1', '2 – 5', '6 – 9']
 */
export function legendOf(scale: ColourScale): { colour: string; label: string }[] {
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  return scale.breaks.map((b, i) => {
    const previous = scale.breaks[i - 1];
    // Whole numbers (counts, days) start a class at the next one; fractions (percentages) above it.
    const from = previous === undefined ? scale.min : scale.whole ? previous + 1 : previous;
    const above = previous !== undefined && !scale.whole ? '> ' : '';
    const label = from === b ? fmt(b) : `${above}${fmt(from)} – ${fmt(b)}`;
    return { colour: scale.colours[i] as string, label };
  });
}
