import { geometryAreaM2, haversineM } from '@gridpatrol/core/geo/measure';
import { computeOverlay } from '@gridpatrol/core/geo/overlay';
import type { PolygonGeometry, ZoneFeature } from '@gridpatrol/core/geo/types';
import { syntheticCity } from '@gridpatrol/local/synthetic-grid';
import { area } from '@turf/area';
import { featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { describe, expect, it } from 'vitest';
import { cellFeature, EARTH_RADIUS_M, radians, rectangle, rectangleAreaM2 } from '../support/geometry';

const rect = rectangle;
const cell = cellFeature;
const zone = (id: string, g: PolygonGeometry): ZoneFeature => ({
  type: 'Feature',
  properties: { id, name: id, office: 'office-east' },
  geometry: g,
});

describe('overlay on a hand-made example', () => {
  // Three 0.01° cells in a row. Z-1 | Z-2 split C1 70/30 along x = 120.007; Z-2 holds 99% of C2;
  // Z-3 overlaps Z-2 on a strip inside C2 and ends exactly on the C2/C3 border; C3 is in no zone.
  const cells = [
    cell('C3', rect(120.02, 30.0, 120.03, 30.01)),
    cell('C1', rect(120.0, 30.0, 120.01, 30.01)),
    cell('C2', rect(120.01, 30.0, 120.02, 30.01)),
  ];
  const zones = [
    zone('Z-2', rect(120.007, 29.99, 120.0199, 30.02)),
    zone('Z-1', rect(119.99, 29.99, 120.007, 30.02)),
    zone('Z-3', rect(120.0195, 29.995, 120.02, 30.005)),
  ];
  const cellArea = rectangleAreaM2(120.0, 30.0, 120.01, 30.01);
  const cellAreaC2 = rectangleAreaM2(120.01, 30.0, 120.02, 30.01);
  const result = computeOverlay(cells, zones);

  it('computes each share and orders rows by cell then zone', () => {
    expect(result.rows.map((r) => [r.cellId, r.zoneId])).toEqual([
      ['C1', 'Z-1'],
      ['C1', 'Z-2'],
      ['C2', 'Z-2'],
      ['C2', 'Z-3'],
    ]);
    const share = (c: string, z: string): number =>
      result.rows.find((r) => r.cellId === c && r.zoneId === z)?.share ?? -1;
    // Along longitude, areas split exactly in proportion (the formula is linear in longitude).
    expect(share('C1', 'Z-1')).toBeCloseTo(0.7, 8);
    expect(share('C1', 'Z-2')).toBeCloseTo(0.3, 8);
    expect(share('C2', 'Z-2')).toBeCloseTo(0.99, 8);
    // Along latitude they do not: half the latitude span is not quite half the area.
    expect(share('C2', 'Z-3')).toBeCloseTo(rectangleAreaM2(120.0195, 30.0, 120.02, 30.005) / cellAreaC2, 8);
    expect(share('C2', 'Z-3')).not.toBe(0.025);
    const row = result.rows[0];
    expect(Math.abs((row?.areaM2 ?? 0) / (0.7 * cellArea) - 1)).toBeLessThan(1e-8);
  });

  it('picks the primary zone by the largest share and lists shares largest first', () => {
    expect(result.cells.get('C1')).toMatchObject({
      primaryZone: 'Z-1',
      zones: [{ zoneId: 'Z-1' }, { zoneId: 'Z-2' }],
    });
    expect(result.cells.get('C2')?.primaryZone).toBe('Z-2');
    expect(result.cells.get('C3')).toMatchObject({ primaryZone: null, primaryShare: 0, zones: [] });
    expect([...result.cells.keys()]).toEqual(['C1', 'C2', 'C3']);
    expect(result.cells.get('C1')?.areaM2).toBeCloseTo(cellArea, 3);
    expect(result.zones.get('Z-1')?.cellCount).toBe(1);
    expect(result.zones.get('Z-2')?.cellCount).toBe(1);
    expect(result.zones.get('Z-3')?.cellCount).toBe(0);
  });

  it('reports cells in no zone and straddling cells', () => {
    expect(result.coverage.unzonedCells).toEqual([
      { cellId: 'C3', areaM2: expect.closeTo(cellArea, 3), zonedShare: 0 },
    ]);
    expect(result.coverage.straddlingCells).toEqual([
      {
        cellId: 'C1',
        primaryZone: 'Z-1',
        primaryShare: expect.closeTo(0.7, 8),
        zones: ['Z-1', 'Z-2'],
        unzonedShare: expect.closeTo(0, 8),
      },
    ]);
  });

  it('reports the overlapping zone pair with its area, and not zones that only share an edge', () => {
    expect(result.coverage.zoneOverlaps).toHaveLength(1);
    const overlap = result.coverage.zoneOverlaps[0];
    expect(overlap).toMatchObject({ zoneA: 'Z-2', zoneB: 'Z-3' });
    const expected = rectangleAreaM2(120.0195, 29.995, 120.0199, 30.005);
    expect(Math.abs((overlap?.areaM2 ?? 0) - expected) / expected).toBeLessThan(1e-6);
  });

  it('reports each zone’s land outside every cell', () => {
    const outside = new Map(result.coverage.zonesOutsideCells.map((z) => [z.zoneId, z.outsideCellsM2]));
    const z3InC2 = rectangleAreaM2(120.0195, 30.0, 120.02, 30.005);
    const expected: [string, number][] = [
      ['Z-1', rectangleAreaM2(119.99, 29.99, 120.007, 30.02) - 0.7 * cellArea],
      ['Z-2', rectangleAreaM2(120.007, 29.99, 120.0199, 30.02) - 0.3 * cellArea - 0.99 * cellAreaC2],
      ['Z-3', rectangleAreaM2(120.0195, 29.995, 120.02, 30.005) - z3InC2],
    ];
    for (const [id, m2] of expected) expect(Math.abs((outside.get(id) ?? 0) - m2) / m2).toBeLessThan(1e-7);
    expect(Math.abs((result.zones.get('Z-3')?.inCellsM2 ?? 0) / z3InC2 - 1)).toBeLessThan(1e-7);
  });

  it('drops shares under the sliver threshold', () => {
    const coarse = computeOverlay(cells, zones, { sliverShare: 0.03 });
    expect(coarse.rows.map((r) => `${r.cellId}/${r.zoneId}`)).toEqual(['C1/Z-1', 'C1/Z-2', 'C2/Z-2']);
    // Slivers still count as zone land inside cells.
    expect(coarse.zones.get('Z-3')?.inCellsM2).toBeCloseTo(result.zones.get('Z-3')?.inCellsM2 ?? -1, 6);
  });

  it('uses the straddle threshold', () => {
    expect(computeOverlay(cells, zones, { straddleShare: 0.6 }).coverage.straddlingCells).toEqual([]);
    expect(
      computeOverlay(cells, zones, { straddleShare: 0.995 }).coverage.straddlingCells.map((s) => s.cellId),
    ).toEqual(['C1', 'C2']);
  });

  it('handles a cell in a zone with a hole and an exclave cell', () => {
    const holed = zone('Z-H', {
      type: 'Polygon',
      coordinates: [
        [
          [119.9, 29.9],
          [120.1, 29.9],
          [120.1, 30.1],
          [119.9, 30.1],
          [119.9, 29.9],
        ],
        [
          [120.005, 30.0],
          [120.005, 30.01],
          [120.015, 30.01],
          [120.015, 30.0],
          [120.005, 30.0],
        ],
      ],
    });
    const exclave = cell('X', {
      type: 'MultiPolygon',
      coordinates: [
        rect(120.0, 30.0, 120.01, 30.01).coordinates as [number, number][][],
        rect(120.05, 30.05, 120.06, 30.06).coordinates as [number, number][][],
      ],
    });
    const r = computeOverlay([exclave], [holed], { sliverShare: 0 });
    const far = rectangleAreaM2(120.05, 30.05, 120.06, 30.06);
    const inHole = rectangleAreaM2(120.005, 30.0, 120.01, 30.01);
    expect(r.rows[0]?.share).toBeCloseTo((far + cellArea - inHole) / (far + cellArea), 8);
    expect(r.cells.get('X')?.areaM2).toBeCloseTo(far + cellArea, 3);
  });

  it('is deterministic and plain JSON', () => {
    const again = computeOverlay([...cells].reverse(), [...zones].reverse());
    expect(again.rows).toEqual(result.rows);
    expect(JSON.parse(JSON.stringify(again.coverage))).toEqual(result.coverage);
  });

  it('copes with no zones and no cells', () => {
    const none = computeOverlay(cells, []);
    expect(none.rows).toEqual([]);
    expect(none.coverage.unzonedCells.map((c) => c.cellId)).toEqual(['C1', 'C2', 'C3']);
    const empty = computeOverlay([], zones);
    expect(empty.rows).toEqual([]);
    expect(empty.coverage.zonesOutsideCells).toHaveLength(3);
  });
});

describe('overlay against the Turf reference on a synthetic city', () => {
  const city = syntheticCity({ cells: 120, seed: 3, gap: true, overlap: true });
  const mine = computeOverlay(city.cells, city.zones, { sliverShare: 0 });
  const reference = new Map<string, number>();

  it('agrees row by row with @turf/intersect + @turf/area', () => {
    const bbox = (g: PolygonGeometry): number[] => {
      const pts = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat(2);
      return [
        Math.min(...pts.map((p) => p[0])),
        Math.min(...pts.map((p) => p[1])),
        Math.max(...pts.map((p) => p[0])),
        Math.max(...pts.map((p) => p[1])),
      ];
    };
    const zoneBoxes = city.zones.map((z) => bbox(z.geometry));
    for (const c of city.cells) {
      const cb = bbox(c.geometry);
      city.zones.forEach((z, i) => {
        const zb = zoneBoxes[i] as number[];
        if ((zb[0] as number) > (cb[2] as number) || (zb[2] as number) < (cb[0] as number)) return;
        if ((zb[1] as number) > (cb[3] as number) || (zb[3] as number) < (cb[1] as number)) return;
        const x = intersect(featureCollection([c, z]));
        if (x) reference.set(`${c.properties.id}|${z.properties.id}`, area(x));
      });
    }
    const ours = new Map(mine.rows.map((r) => [`${r.cellId}|${r.zoneId}`, r.areaM2]));
    const problems: string[] = [];
    for (const [key, m2] of reference) {
      const got = ours.get(key);
      if (got === undefined) {
        if (m2 > 1) problems.push(`missing ${key} (${m2} m²)`);
      } else if (Math.abs(got - m2) > 1e-6 * Math.max(m2, 1000)) problems.push(`${key}: ${got} vs ${m2}`);
    }
    for (const [key, m2] of ours) if (!reference.has(key) && m2 > 1) problems.push(`extra ${key} (${m2} m²)`);
    expect(problems).toEqual([]);
    expect(reference.size).toBeGreaterThan(city.cells.length);
  });

  it('sums each cell’s shares like the reference, to 1 where zones tile', () => {
    expect(reference.size).toBeGreaterThan(0);
    let tiled = 0;
    for (const c of mine.cells.values()) {
      const ours = c.zones.reduce((s, z) => s + z.share, 0);
      let ref = 0;
      for (const [key, m2] of reference) if (key.startsWith(`${c.cellId}|`)) ref += m2 / c.areaM2;
      expect(Math.abs(ours - ref), c.cellId).toBeLessThan(1e-6);
      if (Math.abs(ref - 1) < 1e-6) {
        tiled++;
        expect(Math.abs(ours - 1), c.cellId).toBeLessThan(1e-6);
      }
    }
    expect(tiled).toBeGreaterThan(city.cells.length / 3);
  });

  it('finds the generated gap and overlap', () => {
    const r = computeOverlay(city.cells, city.zones);
    expect(r.coverage.zoneOverlaps).toHaveLength(1);
    expect(r.coverage.zoneOverlaps[0]?.areaM2).toBeGreaterThan(100_000);
    expect(
      r.coverage.unzonedCells.length + r.coverage.straddlingCells.filter((s) => s.unzonedShare > 0.05).length,
    ).toBeGreaterThan(0);
    expect(r.coverage.straddlingCells.length).toBeGreaterThan(0);
    expect(r.coverage.zonesOutsideCells.length).toBeGreaterThan(0);
  });
});

describe('geodesic measures', () => {
  it('computes areas as @turf/area does', () => {
    const city = syntheticCity({ cells: 60, seed: 8 });
    for (const c of [...city.cells, ...city.zones]) {
      const ours = geometryAreaM2(c.geometry);
      expect(Math.abs(ours - area(c)) / ours).toBeLessThan(1e-12);
    }
    expect(geometryAreaM2(rect(120, 30, 120.01, 30.01))).toBeCloseTo(
      rectangleAreaM2(120, 30, 120.01, 30.01),
      3,
    );
  });

  it('measures great-circle distances', () => {
    expect(haversineM(120, 30, 120, 31)).toBeCloseTo(EARTH_RADIUS_M * radians(1), 3);
    expect(haversineM(120, 30, 120.001, 30)).toBeCloseTo(96.3, 1);
    expect(haversineM(0, 0, 180, 0)).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
  });
});
