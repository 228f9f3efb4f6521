/** A grid import from the browser: its size against the API's limit, and each problem's place. */
import { MAX_BODY_BYTES } from '@gridpatrol/local/server';
import {
  IMPORT_BODY_LIMIT,
  importBodyBytes,
  pathSteps,
  problemPlace,
} from '@gridpatrol/web/app/console/b/grid-report';
import { expect, it } from 'vitest';

const ring = [
  [120.1, 30.2],
  [120.102, 30.202],
  [120.102, 30.2],
  [120.1, 30.2],
];
const files = {
  cells: {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { id: 'a' }, geometry: { type: 'Polygon', coordinates: [ring] } },
      {
        type: 'Feature',
        properties: { id: 'b' },
        geometry: {
          type: 'MultiPolygon',
          coordinates: [[ring], [ring.map(([x, y]) => [(x as number) + 1, y])]],
        },
      },
    ],
  },
  zones: { type: 'FeatureCollection', features: [] },
};

it('takes the limit the server keeps', () => {
  expect(IMPORT_BODY_LIMIT).toBe(MAX_BODY_BYTES);
});

it('counts the bytes of the body the page sends, in UTF-8', () => {
  const cells = JSON.stringify({ type: 'FeatureCollection', features: [{ properties: { name: '网格' } }] });
  const zones = '{"type":"FeatureCollection","features":[]}';
  const body = `{"cells":${cells},"zones":${zones}}`;
  expect(importBodyBytes(cells, zones)).toBe(Buffer.byteLength(body));
});

it('reads a report path', () => {
  expect(pathSteps('cells.features[3].geometry.coordinates[0][5]')).toEqual([
    'cells',
    'features',
    3,
    'geometry',
    'coordinates',
    0,
    5,
  ]);
});

it('places a problem at the position its path names', () => {
  const p = problemPlace(files, {
    code: 'self_intersection',
    layer: 'cells',
    featureIndex: 0,
    ring: 0,
    position: 2,
    path: 'cells.features[0].geometry.coordinates[0][2]',
    message: '…',
  });
  expect(p).toEqual({ layer: 'cells', featureIndex: 0, point: [120.102, 30.2] });
});

it('places a problem of a multipolygon by its polygon, ring and position when the path names none', () => {
  const p = problemPlace(files, {
    code: 'spike',
    layer: 'cells',
    featureIndex: 1,
    polygon: 1,
    ring: 0,
    position: 1,
    path: 'cells.features[1].geometry',
    message: '…',
  });
  expect(p.point?.[0]).toBeCloseTo(121.102, 9);
});

it('places a problem of a feature’s properties at its feature alone', () => {
  expect(
    problemPlace(files, {
      code: 'id_pattern_mismatch',
      layer: 'cells',
      featureIndex: 1,
      path: 'cells.features[1].properties.id',
      message: '…',
    }),
  ).toEqual({ layer: 'cells', featureIndex: 1 });
});
