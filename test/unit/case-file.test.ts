/** The case file's pure parts (issue 14, docs/decisions/0055): the map extract and the escaping. */
import { escapeHtml, mapExtract, type PolygonGeometry } from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';

describe('mapExtract', () => {
  it('fits the cell and the point in the box with a margin, north up, longitude scaled by latitude', () => {
    // A cell 0.01° wide and 0.01° high at 60°N: half as wide as high once scaled (42 × 84 px, centred).
    const cell: PolygonGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [10, 60],
          [10.01, 60],
          [10.01, 60.01],
          [10, 60.01],
          [10, 60],
        ],
      ],
    };
    const { paths, point } = mapExtract(cell, [10.005, 60.01], 100, 100);
    expect(paths).toEqual(['M29 92L71 92L71 8L29 8L29 92Z']);
    expect(point).toEqual([50, 8]);
  });

  it('draws only the point when the finding lies in no cell', () => {
    const { paths, point } = mapExtract(undefined, [120, 30], 100, 80);
    expect(paths).toEqual([]);
    expect(point).toEqual([50, 40]);
  });
});

it('escapes what people typed, in text and in attributes', () => {
  expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
    '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
  );
});
