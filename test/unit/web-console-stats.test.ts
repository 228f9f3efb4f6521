/** The statistics page's pure parts: the bar chart's geometry, the export requests, the saved file's name. */

import { barLayout, niceMax } from '@gridpatrol/web/app/console/b/chart-layout';
import { EXPORTS, exportPath, fileNameOf } from '@gridpatrol/web/app/console/b/exports';
import { expect, it } from 'vitest';

it('tops the axis at 1, 2 or 5 times a power of ten', () => {
  expect([0, 1, 3, 7, 12, 20, 51, 950].map(niceMax)).toEqual([1, 1, 5, 10, 20, 20, 100, 1000]);
});

it('draws each point as a bar as tall as its share of the axis, left to right', () => {
  const points = [
    { from: '2026-11-23', to: '2026-11-29', value: 5 },
    { from: '2026-11-30', to: '2026-12-06', value: 0 },
    { from: '2026-12-07', to: '2026-12-07', value: 10 },
  ];
  const { bars, max, ticks } = barLayout(points, 300, 100);
  expect(max).toBe(10);
  expect(bars.map((b) => b.height)).toEqual([50, 0, 100]);
  expect(bars.map((b) => b.y)).toEqual([50, 100, 0]);
  expect(bars[0]?.x).toBeLessThan(bars[1]?.x as number);
  expect(bars.every((b) => b.width > 0 && b.x + b.width <= 300)).toBe(true);
  expect(ticks).toEqual([
    { value: 0, y: 100 },
    { value: 5, y: 50 },
    { value: 10, y: 0 },
  ]);
});

it('asks for findings by the chosen dates, the CSV in the reader’s language, the cells as they are', () => {
  const dates = { from: '2026-11-08', to: '2026-12-07' };
  expect(EXPORTS.map((x) => exportPath(x, dates, 'en'))).toEqual([
    '/exports/findings.csv?from=2026-11-08&to=2026-12-07&lang=en',
    '/exports/findings.geojson?from=2026-11-08&to=2026-12-07',
    '/exports/cells.geojson',
  ]);
});

it('saves a file under the name the server gives, the UTF-8 one first', () => {
  expect(fileNameOf(`attachment; filename="a.csv"; filename*=UTF-8''%E7%BD%91%E6%A0%BC.csv`, 'x')).toBe(
    '网格.csv',
  );
  expect(fileNameOf('attachment; filename="a.csv"', 'x')).toBe('a.csv');
  expect(fileNameOf(null, 'findings.csv')).toBe('findings.csv');
});
