import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequestError } from '@gridpatrol/core/errors';
import { type ImportProblem, type PrepareOptions, prepareLayer } from '@gridpatrol/core/geo/repair';
import type { PolygonGeometry, Position } from '@gridpatrol/core/geo/types';
import { checkPolygonValidity } from '@gridpatrol/core/geo/validate';
import { area } from '@turf/area';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A fixture under test/fixtures/import, parsed as the HTTP layer would (1e999 becomes Infinity). */
function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.resolve(here, '../fixtures/import', `${name}.geojson`), 'utf8'));
}

function run(name: string, opts: Partial<PrepareOptions> = {}) {
  return prepareLayer(fixture(name), { layer: name.startsWith('zones') ? 'zones' : 'cells', ...opts });
}

/** The problem fields a test pins down; the message is free text. */
function where(p: ImportProblem) {
  return {
    severity: p.severity,
    code: p.code,
    featureIndex: p.featureIndex,
    featureId: p.featureId,
    polygon: p.polygon,
    ring: p.ring,
    position: p.position,
  };
}

/** An expected error: its code and feature always, its other location fields where it has them. */
type ExpectedError = Pick<ReturnType<typeof where>, 'code' | 'featureIndex'> &
  Partial<ReturnType<typeof where>>;
/** An error as `where` shows it, with the location fields it does not name left undefined. */
const errorAt = (e: ExpectedError): ReturnType<typeof where> => ({
  severity: 'error',
  polygon: undefined,
  ring: undefined,
  position: undefined,
  featureId: undefined,
  ...e,
});

const ID = (n: number): string => `420106002003-${String(n).padStart(3, '0')}`;

function signedArea(ring: readonly Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x0, y0] = ring[i] ?? [0, 0];
    const [x1, y1] = ring[i + 1] ?? [0, 0];
    s += x0 * y1 - x1 * y0;
  }
  return s / 2;
}

/** What every output feature must be: closed rings, no repeats, RFC 7946 winding, OGC-valid. */
function expectWellFormed(geometry: PolygonGeometry): void {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const rings of polygons) {
    rings.forEach((ring, r) => {
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (let i = 1; i < ring.length; i++) expect(ring[i]).not.toEqual(ring[i - 1]);
      for (const p of ring) expect(p).toHaveLength(2);
      if (r === 0) expect(signedArea(ring)).toBeGreaterThan(0);
      else expect(signedArea(ring)).toBeLessThan(0);
    });
  }
  expect(checkPolygonValidity(geometry)).toMatchObject({ valid: true });
}

describe('prepareLayer: errors refuse the import, each located', () => {
  const cases: {
    name: string;
    opts?: Partial<PrepareOptions>;
    expected: ExpectedError[];
  }[] = [
    {
      name: 'not-feature-collection',
      expected: [{ code: 'not_feature_collection', featureIndex: null }],
    },
    {
      name: 'unsupported-crs',
      expected: [{ code: 'unsupported_crs', featureIndex: null }],
    },
    {
      name: 'not-a-feature',
      expected: [
        { code: 'not_a_feature', featureIndex: 1, featureId: undefined },
        { code: 'not_a_feature', featureIndex: 2, featureId: undefined },
      ],
    },
    {
      name: 'invalid-ids',
      expected: [
        { code: 'missing_id', featureIndex: 0, featureId: undefined },
        { code: 'missing_id', featureIndex: 1, featureId: undefined },
        { code: 'invalid_id', featureIndex: 2, featureId: undefined },
        { code: 'invalid_id', featureIndex: 3, featureId: undefined },
      ],
    },
    {
      name: 'duplicate-ids',
      expected: [{ code: 'duplicate_id', featureIndex: 2, featureId: ID(1) }],
    },
    {
      name: 'id-pattern',
      opts: { idPattern: '\\d{12}-\\d{3}' },
      expected: [
        { code: 'id_pattern_mismatch', featureIndex: 1, featureId: 'WC-3' },
        { code: 'id_pattern_mismatch', featureIndex: 2, featureId: '420106002003-3' },
      ],
    },
    {
      name: 'missing-name',
      expected: [
        { code: 'missing_name', featureIndex: 0, featureId: ID(1) },
        { code: 'missing_name', featureIndex: 1, featureId: ID(2) },
        { code: 'invalid_property', featureIndex: 2, featureId: ID(3) },
      ],
    },
    {
      name: 'zones-office',
      opts: { allowedOffices: ['武昌区中南所', '武昌区积玉桥所'] },
      expected: [
        { code: 'missing_office', featureIndex: 0, featureId: 'WC-Z01' },
        { code: 'unknown_office', featureIndex: 1, featureId: 'WC-Z02' },
        { code: 'invalid_property', featureIndex: 2, featureId: 'WC-Z03' },
      ],
    },
    {
      name: 'non-polygon-geometry',
      expected: [
        { code: 'non_polygon_geometry', featureIndex: 0, featureId: ID(1) },
        { code: 'non_polygon_geometry', featureIndex: 1, featureId: ID(2) },
        { code: 'non_polygon_geometry', featureIndex: 2, featureId: ID(3) },
        { code: 'missing_geometry', featureIndex: 3, featureId: ID(4) },
      ],
    },
    {
      name: 'malformed-geometry',
      expected: [
        { code: 'malformed_coordinates', featureIndex: 0, featureId: ID(1) },
        { code: 'empty_geometry', featureIndex: 1, featureId: ID(2) },
        { code: 'malformed_coordinates', featureIndex: 2, featureId: ID(3), ring: 1 },
      ],
    },
    {
      name: 'invalid-coordinates',
      expected: [
        { code: 'invalid_coordinate', featureIndex: 0, featureId: ID(1), ring: 0, position: 2 },
        { code: 'invalid_coordinate', featureIndex: 1, featureId: ID(2), ring: 0, position: 1 },
        { code: 'invalid_coordinate', featureIndex: 2, featureId: ID(3), ring: 0, position: 3 },
        { code: 'invalid_coordinate', featureIndex: 3, featureId: ID(4), ring: 0, position: 2 },
      ],
    },
    {
      name: 'out-of-range',
      expected: [
        { code: 'coordinate_out_of_range', featureIndex: 0, featureId: ID(1), ring: 0, position: 2 },
        { code: 'coordinate_out_of_range', featureIndex: 1, featureId: ID(2), ring: 0, position: 2 },
        { code: 'coordinate_out_of_range', featureIndex: 1, featureId: ID(2), ring: 0, position: 3 },
        // Projected metres: one problem for the feature, not one per position.
        { code: 'coordinate_out_of_range', featureIndex: 2, featureId: ID(3), ring: 0, position: 0 },
      ],
    },
    {
      name: 'lat-lon-swapped',
      expected: [
        { code: 'lat_lon_swapped', featureIndex: 0, featureId: ID(1), ring: 0, position: 0 },
        { code: 'lat_lon_swapped', featureIndex: 1, featureId: '653101001001-001', ring: 0, position: 0 },
      ],
    },
    {
      name: 'antimeridian',
      expected: [
        { code: 'antimeridian_crossing', featureIndex: 0, featureId: 'FJ-TAVEUNI-01', ring: 0, position: 1 },
        { code: 'antimeridian_crossing', featureIndex: 0, featureId: 'FJ-TAVEUNI-01', ring: 0, position: 3 },
      ],
    },
    {
      name: 'too-few-positions',
      expected: [
        // Only the feature with nothing left; the collapsed hole (feature 1) and part (feature 2)
        // are dropped with warnings (geo-repair-collapsed.test.ts).
        { code: 'too_few_positions', featureIndex: 0, featureId: ID(1), ring: 0, position: 0 },
      ],
    },
    {
      name: 'zero-area',
      expected: [
        // All positions on one line: the first vertex removed as a zero-width tip is named.
        { code: 'zero_area', featureIndex: 0, featureId: ID(1), ring: 0, position: 0 },
        { code: 'zero_area', featureIndex: 1, featureId: ID(2), ring: 0, position: 0 },
      ],
    },
    {
      name: 'too-many-vertices',
      opts: { maxVerticesPerFeature: 12 },
      expected: [{ code: 'too_many_vertices', featureIndex: 1, featureId: ID(2) }],
    },
    {
      name: 'repair-refused',
      expected: [
        // Equal lobes: the area as drawn measures 0, so no ratio and no trust.
        { code: 'self_intersection', featureIndex: 0, featureId: ID(1), ring: 0, position: 0 },
        // Dropping a hole outside the shell would add 4% > 1%.
        { code: 'hole_outside_shell', featureIndex: 1, featureId: ID(2), ring: 1, position: 0 },
      ],
    },
  ];

  for (const { name, opts, expected } of cases) {
    it(`${name}.geojson: ${[...new Set(expected.map((e) => e.code))].join(', ')}`, () => {
      const result = run(name, opts);
      expect(result.ok).toBe(false);
      const errors = result.problems.filter((p) => p.severity === 'error').map(where);
      expect(errors).toEqual(expected.map(errorAt));
      for (const p of result.problems) expect(p.message.length).toBeGreaterThan(10);
    });
  }

  it('builds JSON paths down to the position', () => {
    const { problems } = run('invalid-coordinates');
    expect(problems.map((p) => p.path)).toEqual([
      'cells.features[0].geometry.coordinates[0][2]',
      'cells.features[1].geometry.coordinates[0][1]',
      'cells.features[2].geometry.coordinates[0][3]',
      'cells.features[3].geometry.coordinates[0][2]',
    ]);
    const multi = run('collapsed-nothing-left').problems.find((p) => p.featureIndex === 2);
    expect(multi?.path).toBe('cells.features[2].geometry.coordinates[0][0][0]');
    const dropped = run('too-few-positions').problems.find((p) => p.featureIndex === 2);
    expect(dropped?.path).toBe('cells.features[2].geometry.coordinates[1][0]');
    expect(run('duplicate-ids').problems[0]?.path).toBe('cells.features[2].properties.id');
  });

  it('reports every error of a file at once, several in one feature too', () => {
    const result = run('many-errors');
    expect(result.ok).toBe(false);
    expect(result.problems.map(where)).toEqual([
      errorAt({ code: 'missing_name', featureIndex: 1, featureId: ID(2) }),
      errorAt({ code: 'non_polygon_geometry', featureIndex: 1, featureId: ID(2) }),
      errorAt({ code: 'duplicate_id', featureIndex: 2, featureId: ID(1) }),
      errorAt({ code: 'coordinate_out_of_range', featureIndex: 2, featureId: ID(1), ring: 0, position: 1 }),
      errorAt({ code: 'not_a_feature', featureIndex: 3 }),
      errorAt({ code: 'too_few_positions', featureIndex: 4, featureId: ID(5), ring: 0, position: 0 }),
    ]);
    // The one good feature still comes back, for a preview; nothing may be stored though (ok is false).
    expect(result.features.map((f) => f.properties.id)).toEqual([ID(1)]);
  });

  it('caps one code in one feature at 20 problems plus a count of the rest', () => {
    const ring: number[][] = Array.from({ length: 40 }, (_, i) => [200 + i * 0.001, 30.5 + (i % 2) * 0.001]);
    ring.push([...(ring[0] ?? [])]);
    const input = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: ID(1), name: '第1网格' },
          geometry: { type: 'Polygon', coordinates: [[[114.3, 30.5], ...ring]] },
        },
      ],
    };
    const { problems } = prepareLayer(input, { layer: 'cells' });
    expect(problems).toHaveLength(21);
    expect(problems[20]?.message).toMatch(/21 more/);
  });

  it('throws a BadRequestError for an idPattern that is not a regular expression', () => {
    expect(() => prepareLayer(fixture('duplicate-ids'), { layer: 'cells', idPattern: '(' })).toThrow(
      BadRequestError,
    );
  });
});

describe('prepareLayer: repairable defects become warnings with their area change', () => {
  const cases: { name: string; expected: Partial<ReturnType<typeof where>>[] }[] = [
    {
      name: 'repair-unclosed-ring',
      expected: [{ code: 'unclosed_ring', featureIndex: 0, ring: 0, position: 3 }],
    },
    {
      name: 'repair-repeated-positions',
      expected: [{ code: 'repeated_positions', featureIndex: 0, ring: 0, position: 2 }],
    },
    {
      name: 'repair-wrong-winding',
      expected: [
        { code: 'wrong_winding', featureIndex: 0, ring: 0 },
        { code: 'wrong_winding', featureIndex: 0, ring: 1 },
      ],
    },
    {
      name: 'repair-spike',
      expected: [
        { code: 'spike', featureIndex: 0, ring: 0, position: 3 },
        { code: 'spike', featureIndex: 1, ring: 0, position: 4, featureId: ID(2) },
      ],
    },
    {
      name: 'repair-bow-tie',
      expected: [{ code: 'self_intersection', featureIndex: 0, ring: 0, position: 1 }],
    },
    {
      name: 'repair-self-touching-ring',
      expected: [{ code: 'self_touching_ring', featureIndex: 0, ring: 0, position: 1 }],
    },
    {
      name: 'repair-hole-outside-shell',
      expected: [{ code: 'hole_outside_shell', featureIndex: 0, ring: 1, position: 0 }],
    },
    {
      name: 'repair-hole-crosses-shell',
      expected: [
        { code: 'hole_crosses_shell', featureIndex: 0, ring: 1, position: 1 },
        { code: 'hole_crosses_shell', featureIndex: 0, ring: 1, position: 3 },
      ],
    },
    {
      name: 'repair-overlapping-holes',
      expected: [
        { code: 'overlapping_holes', featureIndex: 0, ring: 1, position: 1 },
        { code: 'overlapping_holes', featureIndex: 0, ring: 1, position: 3 },
      ],
    },
    {
      name: 'repair-overlapping-parts',
      expected: [
        { code: 'overlapping_parts', featureIndex: 0, polygon: 0, ring: 0, position: 0 },
        { code: 'overlapping_parts', featureIndex: 0, polygon: 0, ring: 0, position: 2 },
      ],
    },
    {
      name: 'repair-disconnected-interior',
      expected: [{ code: 'disconnected_interior', featureIndex: 0, ring: 1, position: 2 }],
    },
  ];

  for (const { name, expected } of cases) {
    it(`${name}.geojson: repaired into a valid polygon, with a warning and its area change`, () => {
      const result = run(name);
      expect(result.ok).toBe(true);
      const warnings = result.problems.filter((p) => p.severity === 'warning');
      expect(warnings).toHaveLength(result.problems.length);
      expect(warnings.map(where)).toEqual(
        expected.map((e) => ({
          severity: 'warning',
          featureId: ID(1),
          polygon: undefined,
          position: undefined,
          ...e,
        })),
      );
      for (const w of warnings) {
        expect(typeof w.areaChangeM2).toBe('number');
        expect(typeof w.areaChangeRatio).toBe('number');
        expect(Math.abs(w.areaChangeRatio ?? 1)).toBeLessThanOrEqual(0.01);
        expect(w.message).toMatch(/changes the area by/);
      }
      for (const f of result.features) expectWellFormed(f.geometry);
      expect(result.features).toHaveLength(new Set(expected.map((e) => e.featureIndex)).size);
    });

    it(`${name}.geojson: refused under strict`, () => {
      const result = run(name, { strict: true });
      expect(result.ok).toBe(false);
      expect(result.features).toEqual([]);
      expect(result.problems.map(where)).toEqual(
        expected.map((e) => ({
          severity: 'error',
          featureId: ID(1),
          polygon: undefined,
          position: undefined,
          ...e,
        })),
      );
      for (const p of result.problems) expect(p.message).toMatch(/strict/);
    });
  }

  it('is idempotent: what comes out goes back in without a single problem', () => {
    for (const { name } of cases) {
      const once = run(name);
      const twice = prepareLayer({ type: 'FeatureCollection', features: once.features }, { layer: 'cells' });
      expect(twice).toEqual({ ok: true, features: once.features, problems: [] });
    }
  });

  it('reports real area changes: a hole dropped outside its shell adds its own area', () => {
    const [w] = run('repair-hole-outside-shell').problems;
    // The hole is 2 × 2 units of 1e-4°, about 19 m × 22 m.
    expect(w?.areaChangeM2).toBeGreaterThan(400);
    expect(w?.areaChangeM2).toBeLessThan(450);
    expect(w?.areaChangeRatio).toBeCloseTo(0.0004, 5);
  });

  it('refuses a repair beyond maxRepairAreaChange, and allows it when the limit is raised', () => {
    const strictLimit = run('repair-hole-outside-shell', { maxRepairAreaChange: 0.0001 });
    expect(strictLimit.ok).toBe(false);
    expect(strictLimit.problems[0]).toMatchObject({ severity: 'error', code: 'hole_outside_shell' });
    const relaxed = run('repair-refused', { maxRepairAreaChange: 0.05 });
    expect(relaxed.problems.map((p) => [p.severity, p.code])).toEqual([
      ['error', 'self_intersection'], // a measured area of 0 admits no ratio
      ['warning', 'hole_outside_shell'],
    ]);
  });

  it('splits officers given as text, and says so', () => {
    const result = run('zones-officers-text');
    expect(result.ok).toBe(true);
    expect(result.features[0]?.properties).toMatchObject({
      office: '武昌区中南所',
      officers: ['张伟', '李娜', '王芳'],
    });
    expect(result.problems.map(where)).toEqual([
      {
        severity: 'warning',
        code: 'officers_from_text',
        featureIndex: 0,
        featureId: 'WC-Z01',
        polygon: undefined,
        ring: undefined,
        position: undefined,
      },
    ]);
  });
});

describe('prepareLayer: a realistic messy export', () => {
  it('imports a QGIS-style export with warnings only', () => {
    const result = run('qgis-export');
    expect(result.ok).toBe(true);
    expect(result.problems.every((p) => p.severity === 'warning')).toBe(true);
    expect(result.problems.map((p) => `${p.featureIndex}:${p.polygon ?? '-'}:${p.ring}:${p.code}`)).toEqual([
      '0:-:0:repeated_positions', // closing vertex written twice
      '0:-:0:wrong_winding', // clockwise outer ring
      '1:0:0:repeated_positions',
      '1:0:0:spike', // a 3 cm spike
      '1:0:0:wrong_winding',
      '1:1:0:wrong_winding',
      '2:-:0:wrong_winding',
      '2:-:1:wrong_winding', // counter-clockwise hole
    ]);
    expect(result.features).toHaveLength(3);
    const [first, second] = result.features;
    // Altitudes dropped, names trimmed, attribute-table extras (fid, Shape_Area) not kept.
    expect(first?.properties).toEqual({
      id: ID(1),
      name: '中南路街道第1网格',
      community: '中南社区',
      street: '中南路街道',
    });
    expect(second?.geometry.type).toBe('MultiPolygon');
    for (const f of result.features) expectWellFormed(f.geometry);
    // Repairs that only tidy up leave the area as it was.
    const input = fixture('qgis-export') as { features: { geometry: Parameters<typeof area>[0] }[] };
    result.features.forEach((f, i) => {
      const before = area(input.features[i]?.geometry ?? f.geometry);
      expect(Math.abs(area(f.geometry) - before) / before).toBeLessThan(1e-9);
    });
  });
});

describe('prepareLayer: coordinate systems', () => {
  it('converts GCJ-02 input to WGS-84 before anything else', () => {
    const gcj = fixture('repair-unclosed-ring');
    const wgs = run('repair-unclosed-ring');
    const converted = prepareLayer(gcj, { layer: 'cells', coordSys: 'gcj02' });
    expect(converted.ok).toBe(true);
    const a = wgs.features[0]?.geometry.coordinates[0]?.[0] as Position;
    const b = converted.features[0]?.geometry.coordinates[0]?.[0] as Position;
    // In Wuhan GCJ-02 is shifted some 500 m east and 250 m north of WGS-84.
    expect(a[0] - b[0]).toBeGreaterThan(0.003);
    expect(a[0] - b[0]).toBeLessThan(0.008);
    expect(converted.problems.map((p) => p.code)).toEqual(['unclosed_ring']);
  });
});
