import { orient, segmentsMeet } from '@gridpatrol/core/geo/index-predicates';
import { computeOverlay } from '@gridpatrol/core/geo/overlay';
import type { CellFeature, PolygonGeometry, Position, ZoneFeature } from '@gridpatrol/core/geo/types';
import { checkPolygonValidity } from '@gridpatrol/core/geo/validate';
import { syntheticCity } from '@gridpatrol/local/synthetic-grid';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';

/**
 * The generator's promises: deterministic, exactly N cells with the id/name scheme, valid rings
 * with the right winding, and a true tiling (shared identical vertices, no crossing edges, every
 * interior edge used by two cells in opposite directions, no point in two cells).
 */
const polygonsOf = (g: PolygonGeometry): Position[][][] =>
  g.type === 'Polygon' ? [g.coordinates] : g.coordinates;

function signedArea(ring: readonly Position[]): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const p = ring[i] as Position;
    const q = ring[i + 1] as Position;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}

type Edge = [Position, Position];

function edgesOf(features: readonly (CellFeature | ZoneFeature)[]): Edge[] {
  const out: Edge[] = [];
  for (const f of features)
    for (const poly of polygonsOf(f.geometry))
      for (const ring of poly)
        for (let i = 0; i + 1 < ring.length; i++) out.push([ring[i] as Position, ring[i + 1] as Position]);
  return out;
}

/** Pairs of edges that meet other than at a shared endpoint (crossing, touching mid-edge, overlapping). */
function badMeetings(edges: readonly Edge[]): string[] {
  const xs = edges.flatMap(([a, b]) => [a[0], b[0]]);
  const ys = edges.flatMap(([a, b]) => [a[1], b[1]]);
  const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
  const size = (Math.max(...xs) - x0) / 200 || 1;
  const buckets = new Map<string, number[]>();
  edges.forEach(([a, b], i) => {
    for (
      let gx = Math.floor((Math.min(a[0], b[0]) - x0) / size);
      gx <= Math.floor((Math.max(a[0], b[0]) - x0) / size);
      gx++
    )
      for (
        let gy = Math.floor((Math.min(a[1], b[1]) - y0) / size);
        gy <= Math.floor((Math.max(a[1], b[1]) - y0) / size);
        gy++
      ) {
        const key = `${gx},${gy}`;
        const list = buckets.get(key) ?? [];
        list.push(i);
        buckets.set(key, list);
      }
  });
  const same = (p: Position, q: Position): boolean => p[0] === q[0] && p[1] === q[1];
  const bad = new Set<string>();
  for (const list of buckets.values())
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = edges[list[i] as number] as Edge;
        const [c, d] = edges[list[j] as number] as Edge;
        const shared = [same(a, c), same(a, d), same(b, c), same(b, d)].filter(Boolean).length;
        if (shared === 2) continue; // the same edge, seen from both neighbours
        if (shared === 1) {
          // Meeting at a common endpoint is fine unless the edges also overlap along a line.
          const [p, q, r] = same(a, c)
            ? [a, b, d]
            : same(a, d)
              ? [a, b, c]
              : same(b, c)
                ? [b, a, d]
                : [b, a, c];
          if (
            orient(p[0], p[1], q[0], q[1], r[0], r[1]) === 0 &&
            (q[0] - p[0]) * (r[0] - p[0]) + (q[1] - p[1]) * (r[1] - p[1]) > 0
          )
            bad.add(`${a}-${b} overlaps ${c}-${d}`);
          continue;
        }
        if (segmentsMeet(a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]))
          bad.add(`${a}-${b} meets ${c}-${d}`);
      }
  return [...bad];
}

describe('syntheticCity', () => {
  const city = syntheticCity({ cells: 400, seed: 5, gap: true, overlap: true });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(JSON.stringify(syntheticCity({ cells: 400, seed: 5, gap: true, overlap: true }))).toBe(
      JSON.stringify(city),
    );
    expect(JSON.stringify(syntheticCity({ cells: 400, seed: 6 }).cells[0])).not.toBe(
      JSON.stringify(city.cells[0]),
    );
  });

  it('makes exactly N cells with county-street-community-sequence ids and grid names', () => {
    for (const n of [1, 34, 400, 2000]) expect(syntheticCity({ cells: n, seed: 2 }).cells).toHaveLength(n);
    const ids = city.cells.map((c) => c.properties.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of city.cells) {
      expect(c.properties.id).toMatch(/^330106\d{9}$/);
      expect(c.properties.name).toMatch(/^.+社区第\d+网格$/);
      expect(c.properties.name.startsWith(c.properties.community ?? '?')).toBe(true);
      expect(c.properties.street).toMatch(/街道$/);
    }
    // Sub-districts of 34 cells sharing the street value and the street digits of the id.
    const byStreet = new Map<string, CellFeature[]>();
    for (const c of city.cells)
      byStreet.set(c.properties.street ?? '', [...(byStreet.get(c.properties.street ?? '') ?? []), c]);
    const first = byStreet.get(city.cells[0]?.properties.street ?? '') ?? [];
    expect(first).toHaveLength(34);
    expect(new Set(first.map((c) => c.properties.id.slice(6, 9)))).toEqual(new Set(['001']));
    expect(syntheticCity({ cells: 50, seed: 1, countyCode: '330105' }).cells[0]?.properties.id).toMatch(
      /^330105001001001$/,
    );
  });

  it('makes ~N/40 zones with ids and offices from the list', () => {
    expect(city.zones.length).toBeGreaterThanOrEqual(400 / 60);
    expect(city.zones.length).toBeLessThanOrEqual(400 / 25);
    expect(city.zones.map((z) => z.properties.id)).toEqual(
      city.zones.map((_, i) => `Z-${String(i + 1).padStart(3, '0')}`),
    );
    const offices = new Set(city.zones.map((z) => z.properties.office));
    expect([...offices].sort()).toEqual(['office-east', 'office-river', 'office-west']);
    const custom = syntheticCity({ cells: 200, seed: 1, offices: ['so-1', 'so-2'] });
    expect(new Set(custom.zones.map((z) => z.properties.office))).toEqual(new Set(['so-1', 'so-2']));
  });

  it('draws valid rings: closed, outer counter-clockwise, holes clockwise (independent validator)', () => {
    for (const f of [...city.cells, ...city.zones]) {
      const validity = checkPolygonValidity(f.geometry);
      expect(validity.valid, `${f.properties.id}: ${validity.reason}`).toBe(true);
      for (const poly of polygonsOf(f.geometry))
        poly.forEach((ring, i) => {
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          expect(signedArea(ring) > 0, `${f.properties.id} ring ${i}`).toBe(i === 0);
        });
    }
  });

  it('tiles: no crossing edges, and every interior edge is shared in opposite directions', () => {
    const edges = edgesOf(city.cells);
    expect(badMeetings(edges)).toEqual([]);
    const uses = new Map<string, number>();
    for (const [a, b] of edges) uses.set(`${a}>${b}`, (uses.get(`${a}>${b}`) ?? 0) + 1);
    let shared = 0;
    for (const [key, count] of uses) {
      expect(count, key).toBe(1);
      const [a, b] = key.split('>');
      if (uses.has(`${b}>${a}`)) shared++;
    }
    // Most edges are interior (shared); the rest trace the city outline.
    expect(shared / uses.size).toBeGreaterThan(0.8);
  });

  it('puts no point in two cells, and every point inside the outline in one', () => {
    let seed = 3;
    const rnd = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const pts = city.cells.flatMap((c) => polygonsOf(c.geometry).flat(2));
    const [x0, y0] = [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1]))];
    const [x1, y1] = [Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
    let inside = 0;
    for (let i = 0; i < 1500; i++) {
      const p: Position = [x0 + rnd() * (x1 - x0), y0 + rnd() * (y1 - y0)];
      const holders = city.cells.filter((c) => booleanPointInPolygon(p, c, { ignoreBoundary: true })).length;
      expect(holders).toBeLessThanOrEqual(1);
      inside += holders;
    }
    // An elliptic city fills about π/4 of its bbox.
    expect(inside / 1500).toBeGreaterThan(0.6);
    expect(inside / 1500).toBeLessThan(0.9);
  });

  it('has exclaves and holes filled by another cell', () => {
    const multi = city.cells.filter((c) => c.geometry.type === 'MultiPolygon');
    expect(multi.length).toBeGreaterThanOrEqual(1);
    const holed = city.cells.filter(
      (c) => c.geometry.type === 'Polygon' && c.geometry.coordinates.length > 1,
    );
    expect(holed.length).toBeGreaterThanOrEqual(1);
    for (const h of holed) {
      const hole = (h.geometry.coordinates[1] ?? []) as Position[];
      const key = (ps: Position[]): string => ps.slice(0, -1).map(String).sort().join(' ');
      const filler = city.cells.find(
        (c) => c.geometry.type === 'Polygon' && key(c.geometry.coordinates[0] as Position[]) === key(hole),
      );
      expect(filler, `hole of ${h.properties.id}`).toBeDefined();
    }
  });

  it('draws zone borders near, never on, the cell borders', () => {
    const cellVertices = new Set(city.cells.flatMap((c) => polygonsOf(c.geometry).flat(2)).map(String));
    const zoneVertices = city.zones.flatMap((z) => polygonsOf(z.geometry).flat(2)).map(String);
    expect(zoneVertices.filter((v) => cellVertices.has(v))).toEqual([]);
    expect(badMeetings(edgesOf(syntheticCity({ cells: 400, seed: 5 }).zones))).toEqual([]);
    const overlay = computeOverlay(city.cells, city.zones);
    const cells = [...overlay.cells.values()];
    expect(cells.filter((c) => c.primaryShare >= 0.9).length / cells.length).toBeGreaterThan(0.6);
    expect(overlay.coverage.straddlingCells.length / cells.length).toBeGreaterThan(0.05);
  });

  it('leaves a gap and makes one overlap only when asked', () => {
    const plain = computeOverlay(...args(syntheticCity({ cells: 400, seed: 5 })));
    expect(plain.coverage.zoneOverlaps).toEqual([]);
    expect(plain.coverage.unzonedCells).toEqual([]);
    const asked = computeOverlay(city.cells, city.zones);
    expect(asked.coverage.zoneOverlaps).toHaveLength(1);
    expect(asked.coverage.unzonedCells.length).toBeGreaterThan(0);
    expect(city.zones.some((z) => z.geometry.type === 'Polygon' && z.geometry.coordinates.length > 1)).toBe(
      true,
    );
  });

  it('centres the city where asked', () => {
    const small = syntheticCity({ cells: 100, seed: 1, center: [116.4, 39.9], spacingM: 200 });
    const pts = small.cells.flatMap((c) => polygonsOf(c.geometry).flat(2));
    const mid = [
      (Math.min(...pts.map((p) => p[0])) + Math.max(...pts.map((p) => p[0]))) / 2,
      (Math.min(...pts.map((p) => p[1])) + Math.max(...pts.map((p) => p[1]))) / 2,
    ];
    expect(mid[0]).toBeCloseTo(116.4, 1);
    expect(mid[1]).toBeCloseTo(39.9, 1);
  });
});

function args(c: { cells: CellFeature[]; zones: ZoneFeature[] }): [CellFeature[], ZoneFeature[]] {
  return [c.cells, c.zones];
}
