import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequestError } from '@gridpatrol/core/errors';
import { buildGridIndex, type GridIndex } from '@gridpatrol/core/geo/grid-index';
import type { CellFeature, PolygonGeometry, Position } from '@gridpatrol/core/geo/types';
import { syntheticCity } from '@gridpatrol/local/synthetic-grid';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellFeature, rectangle } from '../support/geometry';

/**
 * The point index against (1) the point-in-polygon vectors other projects wrote (see
 * ../shared/testdata/geometry/README.md; a missing file fails the suite), (2) brute-force
 * `@turf/boolean-point-in-polygon` on synthetic cities, under the documented tie-break
 * (docs/decisions/0003-point-resolution.md): interior first, then the lowest id.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const testdata = path.resolve(here, '../../../shared/testdata/geometry');

interface PipPolygon {
  properties: { id: string; name: string; layer?: string };
  geometry: PolygonGeometry;
}
interface PipPoint {
  properties: {
    id: string;
    kind: 'relation' | 'lookup';
    polygon_id?: string;
    expected?: 'inside' | 'boundary' | 'outside';
    layer?: string;
    expected_ids?: string[];
  };
  geometry: { type: 'Point'; coordinates: Position };
}

function readFeatures<T>(file: string): T[] {
  return (JSON.parse(readFileSync(path.join(testdata, file), 'utf8')) as { features: T[] }).features;
}

const cell = cellFeature;

function square(id: string, x0: number, y0: number, x1: number, y1: number): CellFeature {
  return cell(id, rectangle(x0, y0, x1, y1));
}

function allPositions(g: PolygonGeometry): Position[] {
  return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat(2);
}

const inRange = ([x, y]: Position): boolean => Math.abs(x) <= 180 && Math.abs(y) <= 90;

function scaleGeometry(g: PolygonGeometry, k: number): PolygonGeometry {
  const s = (ring: Position[]): Position[] => ring.map(([x, y]) => [x * k, y * k] as Position);
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map(s) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(s)) };
}

/** What Turf says, with the tie-break: the lowest id among interiors, else among boundaries. */
function bruteForce(
  cells: readonly CellFeature[],
  x: number,
  y: number,
): { cellId: string | null; boundary: boolean } {
  let interior: string | null = null;
  let boundary: string | null = null;
  for (const c of cells) {
    if (!booleanPointInPolygon([x, y], c)) continue;
    const id = c.properties.id;
    if (booleanPointInPolygon([x, y], c, { ignoreBoundary: true })) {
      if (interior === null || id < interior) interior = id;
    } else if (boundary === null || id < boundary) boundary = id;
  }
  return interior !== null
    ? { cellId: interior, boundary: false }
    : { cellId: boundary, boundary: boundary !== null };
}

function expectAgreement(index: GridIndex, cells: readonly CellFeature[], points: readonly Position[]): void {
  const wrong: string[] = [];
  for (const [x, y] of points) {
    const expected = bruteForce(cells, x, y);
    const r = index.resolve(x, y, { snapToleranceM: 0 });
    const got = r.status === 'inside' || r.status === 'boundary' ? r.cellId : null;
    const status = expected.cellId === null ? 'outside' : expected.boundary ? 'boundary' : 'inside';
    if (got !== expected.cellId || r.status !== status)
      wrong.push(`${x},${y}: expected ${status} ${expected.cellId}, got ${r.status} ${r.cellId}`);
  }
  expect(wrong.slice(0, 10)).toEqual([]);
}

describe('point index conformance (shared test vectors)', () => {
  const polygons = readFeatures<PipPolygon>('pip-polygons.geojson');
  const points = readFeatures<PipPoint>('pip-points.geojson');
  const byId = new Map(polygons.map((p) => [p.properties.id, p]));

  // Shapes reaching beyond the latitude range are scaled by 0.5 (exact in binary floating point,
  // so every relation is preserved) together with their points; listed so the reason is visible.
  const scaled = new Set(
    polygons
      .filter(
        (p) =>
          !allPositions(p.geometry).every(inRange) ||
          points.some((q) => q.properties.polygon_id === p.properties.id && !inRange(q.geometry.coordinates)),
      )
      .map((p) => p.properties.id),
  );
  const relationPolygons = polygons.filter((p) => p.properties.layer === undefined);
  const geometryOf = (id: string): PolygonGeometry => {
    const p = byId.get(id);
    if (p === undefined) throw new Error(`fixture names unknown polygon ${id}`);
    return scaled.has(id) ? scaleGeometry(p.geometry, 0.5) : p.geometry;
  };
  const all = buildGridIndex(relationPolygons.map((p) => cell(p.properties.id, geometryOf(p.properties.id))));

  it('reads the expected fixture files', () => {
    expect(polygons).toHaveLength(110);
    expect(points).toHaveLength(175);
    expect([...scaled].sort()).toEqual([
      'robust-pnp/square-subdiv-0',
      'robust-pnp/square-subdiv-1',
      'robust-pnp/square-subdiv-2',
      'turf-bpip/concave',
      'turf-bpip/square',
    ]);
  });

  it('gives the expected inside/boundary/outside for every relation point', () => {
    const relations = points.filter((p) => p.properties.kind === 'relation');
    expect(relations).toHaveLength(170);
    const wrong: string[] = [];
    for (const p of relations) {
      const id = p.properties.polygon_id as string;
      const k = scaled.has(id) ? 0.5 : 1;
      const [x, y] = [p.geometry.coordinates[0] * k, p.geometry.coordinates[1] * k];
      const expected = p.properties.expected;
      // 1. relate() on one index holding every polygon.
      const related = all.relate(id, x, y);
      // 2. resolve() on an index of that polygon alone, snapping off.
      const alone = buildGridIndex([cell(id, geometryOf(id))]).resolve(x, y, { snapToleranceM: 0 });
      // 3. The relation Turf itself computes, which the index must reproduce exactly.
      const feature = cell(id, geometryOf(id));
      const turf = booleanPointInPolygon([x, y], feature)
        ? booleanPointInPolygon([x, y], feature, { ignoreBoundary: true })
          ? 'inside'
          : 'boundary'
        : 'outside';
      if (related !== expected || alone.status !== expected || turf !== expected)
        wrong.push(
          `${p.properties.id}: expected ${expected}, relate ${related}, resolve ${alone.status}, turf ${turf}`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('rejects query points outside the WGS-84 range even after scaling', () => {
    const far = points.filter(
      (p) =>
        p.properties.kind === 'relation' && !inRange(p.geometry.coordinates.map((v) => v * 0.5) as Position),
    );
    expect(far.map((p) => p.properties.id)).toHaveLength(3);
    for (const p of far) {
      const r = all.resolve(p.geometry.coordinates[0] * 0.5, p.geometry.coordinates[1] * 0.5);
      expect(r).toMatchObject({ status: 'outside', cellId: null, reason: expect.stringContaining('range') });
    }
  });

  it('gives the expected ids for every lookup point', () => {
    const lookups = points.filter((p) => p.properties.kind === 'lookup');
    expect(lookups).toHaveLength(5);
    for (const p of lookups) {
      const layer = polygons.filter((q) => q.properties.layer === p.properties.layer);
      expect(layer.length).toBeGreaterThan(0);
      const index = buildGridIndex(layer.map((q) => cell(q.properties.id, q.geometry)));
      const [x, y] = p.geometry.coordinates;
      const expectedIds = [...(p.properties.expected_ids ?? [])].sort();
      expect(index.cellsAt(x, y), p.properties.id).toEqual(expectedIds);
      const r = index.resolve(x, y, { snapToleranceM: 0 });
      // Overlapping cells (invalid, but which-polygon's fixture has them): the lowest id wins.
      expect(r.cellId, p.properties.id).toBe(expectedIds[0] ?? null);
    }
  });
});

/** Uniform in [0, 1): fast-check's doubles favour 0, 1 and tiny values, which land on bbox edges. */
const unit = fc.integer({ min: 0, max: 999_999 }).map((i) => (i + 0.5) / 1_000_000);

describe('point index on synthetic cities', () => {
  const city = syntheticCity({ cells: 300, seed: 11, gap: true, overlap: true });
  const index = buildGridIndex(city.cells);
  const bbox = (() => {
    const xs = city.cells.flatMap((c) => allPositions(c.geometry));
    return [
      Math.min(...xs.map((p) => p[0])),
      Math.min(...xs.map((p) => p[1])),
      Math.max(...xs.map((p) => p[0])),
      Math.max(...xs.map((p) => p[1])),
    ] as const;
  })();

  it('answers like brute-force Turf on random points, vertices and edge points', () => {
    let seed = 5;
    const rnd = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const points: Position[] = [];
    for (let i = 0; i < 3000; i++)
      points.push([bbox[0] + rnd() * (bbox[2] - bbox[0]), bbox[1] + rnd() * (bbox[3] - bbox[1])]);
    for (const c of city.cells.slice(0, 60)) {
      const ring =
        (c.geometry.type === 'Polygon' ? c.geometry.coordinates[0] : c.geometry.coordinates[0]?.[0]) ?? [];
      for (let i = 0; i + 1 < ring.length; i += 3) {
        const a = ring[i] as Position;
        const b = ring[i + 1] as Position;
        points.push(a, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
      }
    }
    expectAgreement(index, city.cells, points);
  });

  it('resolves random points inside random cells to those cells (property)', () => {
    fc.assert(
      fc.property(fc.nat(city.cells.length - 1), unit, unit, (k, u, v) => {
        const c = city.cells[k] as CellFeature;
        const pts = allPositions(c.geometry);
        const x0 = Math.min(...pts.map((p) => p[0]));
        const y0 = Math.min(...pts.map((p) => p[1]));
        const x = x0 + u * (Math.max(...pts.map((p) => p[0])) - x0);
        const y = y0 + v * (Math.max(...pts.map((p) => p[1])) - y0);
        fc.pre(booleanPointInPolygon([x, y], c, { ignoreBoundary: true }));
        expect(index.resolve(x, y)).toEqual({ status: 'inside', cellId: c.properties.id });
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('agrees with brute force on freshly generated cities (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.tuple(unit, unit), { minLength: 20, maxLength: 60 }),
        (seed, uvs) => {
          const small = syntheticCity({ cells: 40, seed });
          const idx = buildGridIndex(small.cells);
          const pts = small.cells.flatMap((c) => allPositions(c.geometry));
          const [x0, y0] = [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1]))];
          const [x1, y1] = [Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
          const queries: Position[] = uvs.map(([u, v]) => [x0 + u * (x1 - x0), y0 + v * (y1 - y0)]);
          queries.push(...pts.filter((_, i) => i % 7 === 0));
          expectAgreement(idx, small.cells, queries);
        },
      ),
      { numRuns: 12, seed: 7 },
    );
  });

  it('puts a point in a filled hole in the filling cell, not the holed one', () => {
    const holed = city.cells.filter(
      (c) => c.geometry.type === 'Polygon' && c.geometry.coordinates.length > 1,
    );
    expect(holed.length).toBeGreaterThan(0);
    for (const h of holed) {
      const hole = (h.geometry.coordinates as Position[][])[1] as Position[];
      const cx = hole.reduce((s, p) => s + p[0], 0) / hole.length;
      const cy = hole.reduce((s, p) => s + p[1], 0) / hole.length;
      const r = index.resolve(cx, cy);
      expect(r.status).toBe('inside');
      expect(r.cellId).not.toBe(h.properties.id);
      expect(index.relate(h.properties.id, cx, cy)).toBe('outside');
      // A vertex of the hole ring lies on both cells' boundaries.
      const [vx, vy] = hole[0] as Position;
      const onHole = index.resolve(vx, vy);
      expect(onHole.status).toBe('boundary');
      expect(onHole.candidates).toContain(h.properties.id);
      expect(onHole.candidates).toContain(r.cellId);
    }
  });

  it('resolves points in either part of an exclave cell to that cell', () => {
    const multi = city.cells.filter((c) => c.geometry.type === 'MultiPolygon');
    expect(multi.length).toBeGreaterThan(0);
    for (const m of multi) {
      for (const part of m.geometry.coordinates as Position[][][]) {
        const outer = part[0] as Position[];
        // A point just inside the part: the centroid of the part's vertices works for these
        // near-convex synthetic parts; the test checks it against Turf first.
        const cx = outer.reduce((s, p) => s + p[0], 0) / outer.length;
        const cy = outer.reduce((s, p) => s + p[1], 0) / outer.length;
        expect(booleanPointInPolygon([cx, cy], m, { ignoreBoundary: true })).toBe(true);
        expect(index.resolve(cx, cy)).toEqual({ status: 'inside', cellId: m.properties.id });
      }
    }
  });
});

describe('tie-break on shared borders', () => {
  // Four squares meeting at (120.001, 30.001); ids deliberately not in geometric order.
  const cells = [
    square('C-3', 120.0, 30.0, 120.001, 30.001),
    square('C-1', 120.001, 30.0, 120.002, 30.001),
    square('C-4', 120.0, 30.001, 120.001, 30.002),
    square('C-2', 120.001, 30.001, 120.002, 30.002),
  ];
  const forward = buildGridIndex(cells);
  const backward = buildGridIndex([...cells].reverse());

  it('gives a point on a shared edge to the lowest id, every time and in any build order', () => {
    for (let i = 0; i < 3; i++) {
      for (const idx of [forward, backward]) {
        expect(idx.resolve(120.001, 30.0005)).toEqual({
          status: 'boundary',
          cellId: 'C-1',
          candidates: ['C-1', 'C-3'],
        });
        expect(idx.resolve(120.0005, 30.001)).toEqual({
          status: 'boundary',
          cellId: 'C-3',
          candidates: ['C-3', 'C-4'],
        });
      }
    }
  });

  it('gives a shared vertex to the lowest of all four ids', () => {
    expect(forward.resolve(120.001, 30.001)).toEqual({
      status: 'boundary',
      cellId: 'C-1',
      candidates: ['C-1', 'C-2', 'C-3', 'C-4'],
    });
    expect(forward.cellsAt(120.001, 30.001)).toEqual(['C-1', 'C-2', 'C-3', 'C-4']);
  });

  it('keeps an outer-boundary point as boundary of its one cell', () => {
    expect(forward.resolve(120.0, 30.0005)).toEqual({
      status: 'boundary',
      cellId: 'C-3',
      candidates: ['C-3'],
    });
  });
});

describe('snapping and accuracy', () => {
  // Two cells ~96 m wide with a ~9.6 m gap between them (at latitude 30°).
  const a = square('A', 120.0, 30.0, 120.001, 30.001);
  const b = square('B', 120.0011, 30.0, 120.0021, 30.001);
  const index = buildGridIndex([a, b]);
  const mPerDegLon = 6371008.8 * (Math.PI / 180) * Math.cos(30.0005 * (Math.PI / 180));

  it('snaps a point outside every cell to the nearest cell within the tolerance', () => {
    const x = 120.0021 + 30 / mPerDegLon;
    const r = index.resolve(x, 30.0005);
    expect(r.status).toBe('snapped');
    expect(r.cellId).toBe('B');
    expect(r.distanceM).toBeCloseTo(30, 1);
    expect(r.candidates).toEqual(['B']);
  });

  it('returns no cell and a reason beyond the tolerance', () => {
    const x = 120.0021 + 80 / mPerDegLon;
    expect(index.resolve(x, 30.0005)).toEqual({
      status: 'outside',
      cellId: null,
      reason: 'no cell within 50 m',
    });
    const wider = index.resolve(x, 30.0005, { snapToleranceM: 100 });
    expect(wider.status).toBe('snapped');
    expect(wider.distanceM).toBeCloseTo(80, 1);
    expect(index.resolve(x, 30.0005, { snapToleranceM: 0 }).status).toBe('outside');
  });

  // Edges at 120 ∓ 2^-12 degrees (~23.5 m each side): exactly symmetric in binary, so a point at
  // 120 is exactly as far from both.
  const d = 2 ** -12;
  const tied = buildGridIndex([
    square('Q', 120 + d, 30, 120 + 3 * d, 30.001),
    square('P', 120 - 3 * d, 30, 120 - d, 30.001),
  ]);

  it('breaks a snapping tie (a point exactly midway) by the lowest id', () => {
    const r = tied.resolve(120, 30.0005);
    expect(r.status).toBe('snapped');
    expect(r.cellId).toBe('P');
    expect(r.candidates).toEqual(['P', 'Q']);
    expect(r.distanceM).toBeCloseTo(d * mPerDegLon, 1);
  });

  it('flags a point whose accuracy circle touches two cells as ambiguous', () => {
    const x = 120.001 - 3 / mPerDegLon; // inside A, 3 m from its east edge, ~12.6 m from B
    expect(index.resolve(x, 30.0005, { accuracyM: 20 })).toEqual({
      status: 'inside',
      cellId: 'A',
      candidates: ['A', 'B'],
      ambiguous: true,
    });
    expect(index.resolve(x, 30.0005, { accuracyM: 5 })).toEqual({
      status: 'inside',
      cellId: 'A',
      candidates: ['A'],
      ambiguous: false,
    });
  });

  it('reports accuracy ambiguity for snapped points too', () => {
    const r = tied.resolve(120, 30.0005, { accuracyM: 2 });
    expect(r).toMatchObject({ status: 'snapped', cellId: 'P', ambiguous: false, candidates: [] });
    expect(tied.resolve(120, 30.0005, { accuracyM: 30 })).toMatchObject({
      ambiguous: true,
      candidates: ['P', 'Q'],
    });
  });

  it('rejects bad options and out-of-range points', () => {
    expect(() => index.resolve(120, 30, { snapToleranceM: -1 })).toThrow(BadRequestError);
    expect(() => index.resolve(120, 30, { accuracyM: Number.NaN })).toThrow(BadRequestError);
    expect(index.resolve(200, 30).status).toBe('outside');
    expect(index.resolve(Number.NaN, 30).reason).toContain('range');
  });

  it('answers on an empty index and for unknown ids', () => {
    const empty = buildGridIndex([]);
    expect(empty.resolve(120, 30)).toMatchObject({ status: 'outside', cellId: null });
    expect(empty.cellsAt(120, 30)).toEqual([]);
    expect(index.relate('nope', 120, 30)).toBeUndefined();
  });

  it('refuses duplicate cell ids', () => {
    expect(() => buildGridIndex([a, { ...a }])).toThrow(/Duplicate cell id/);
  });
});
