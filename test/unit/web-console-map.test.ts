/** The console map's pure parts: the choropleth's classes and colours, and the findings' clusters. */

import { clusterPoints } from '@gridpatrol/web/app/console/cluster';
import { colourOf, colourScale, legendOf, NO_VALUE, PALETTE } from '@gridpatrol/web/app/console/colour-scale';
import { describe, expect, it } from 'vitest';

describe('colourScale', () => {
  it('puts classes at the quantiles of the values and colours the worst darkest', () => {
    const values = [0, 0, 0, 0, 1, 1, 2, 3, 5, 12];
    const scale = colourScale(values, 'high');
    // Fifths of ten values end at the 2nd, 4th, 6th, 8th and 10th: 0, 0, 1, 3, 12.
    expect(scale.breaks).toEqual([0, 1, 3, 12]);
    expect(colourOf(scale, 0)).toBe(PALETTE[0]);
    expect(colourOf(scale, 2)).toBe(colourOf(scale, 3));
    expect(colourOf(scale, 12)).toBe(PALETTE[4]);
    expect(colourOf(scale, 40)).toBe(PALETTE[4]);
    expect(legendOf(scale).map((r) => r.label)).toEqual(['0', '1', '2 – 3', '4 – 12']);
  });

  it('spreads fewer classes over the whole palette and turns it round when low is worse', () => {
    const high = colourScale([0, 0, 1], 'high');
    expect(high.colours).toEqual([PALETTE[0], PALETTE[4]]);
    const low = colourScale([-20, 10.5, 50, 80], 'low', false);
    expect(colourOf(low, -20)).toBe(PALETTE[4]);
    expect(colourOf(low, 80)).toBe(PALETTE[0]);
    expect(legendOf(low).map((r) => r.label)).toEqual(['-20', '> -20 – 10.5', '> 10.5 – 50', '> 50 – 80']);
  });

  it('gives no value grey, and an empty map no classes', () => {
    const scale = colourScale([null, 3, null], 'high');
    expect(colourOf(scale, null)).toBe(NO_VALUE);
    expect(colourOf(colourScale([], 'high'), 0)).toBe(NO_VALUE);
    expect(legendOf(colourScale([null], 'high'))).toEqual([]);
  });
});

describe('clusterPoints', () => {
  it('joins points of one square at their mean and leaves lone points alone', () => {
    const clusters = clusterPoints(
      [
        { x: 1, y: 1, item: 'a' },
        { x: 3, y: 2, item: 'b' },
        { x: 90, y: 1, item: 'c' },
        { x: 39, y: 39, item: 'd' },
      ],
      40,
    );
    expect(clusters).toEqual([
      { x: (1 + 3 + 39) / 3, y: (1 + 2 + 39) / 3, items: ['a', 'b', 'd'] },
      { x: 90, y: 1, items: ['c'] },
    ]);
  });

  it('keeps every point exactly once, whatever the square', () => {
    const points = Array.from({ length: 200 }, (_, i) => ({ x: (i * 37) % 500, y: (i * 91) % 300, item: i }));
    for (const size of [1, 16, 64, 1000]) {
      const items = clusterPoints(points, size).flatMap((c) => c.items);
      expect(items.sort((a, b) => a - b)).toEqual(points.map((p) => p.item));
    }
    expect(clusterPoints(points, 1000)).toHaveLength(1);
    expect(() => clusterPoints(points, 0)).toThrow(RangeError);
  });
});
