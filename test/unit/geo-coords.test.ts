import { geometryToWgs84, ringToWgs84, toWgs84 } from '@gridpatrol/core/geo/coords';
import { wgs84ToGcj02 } from '@gridpatrol/core/geo/gcj02';
import type { PolygonGeometry, Position } from '@gridpatrol/core/geo/types';
import gcoord from 'gcoord';
import { describe, expect, it } from 'vitest';

const distance = (a: Position, b: readonly number[]): number =>
  Math.max(Math.abs(a[0] - (b[0] ?? Number.NaN)), Math.abs(a[1] - (b[1] ?? Number.NaN)));

describe('toWgs84', () => {
  it('converts GCJ-02 to WGS-84 as in gcoord’s README, more exactly than gcoord', () => {
    // gcoord README: transform([123, 45], GCJ02, WGS84) → [122.99395597, 44.99804071]. gcoord stops
    // its iteration ~1.6e-7° short (its answer shifts to 123.00000016); ours (core/geo/gcj02, decision
    // 0049) iterates until the answer shifts back to the input within 1e-7°.
    const wgs = toWgs84([123, 45], 'gcj02');
    expect(distance(wgs, [122.99395597, 44.99804071])).toBeLessThan(1e-6);
    expect(distance(wgs84ToGcj02(wgs), [123, 45])).toBeLessThan(1e-7);
  });

  it('converts BD-09 to WGS-84, inverting gcoord’s README pair within 2e-6°', () => {
    // gcoord README: transform([116.403988, 39.914266], WGS84, BD09) → [116.41661560068297, 39.92196580126834].
    // Baidu's published inverse is itself approximate (~1e-6°, ~0.1 m).
    const got = toWgs84([116.41661560068297, 39.92196580126834], 'bd09');
    expect(distance(got, [116.403988, 39.914266])).toBeLessThan(2e-6);
  });

  it('round-trips WGS-84 → GCJ-02 → WGS-84 within 1e-6° across China', () => {
    const places: Position[] = [
      [116.391248, 39.907501], // Tiananmen, Beijing
      [114.305393, 30.593099], // Wuhan
      [121.473701, 31.230416], // Shanghai
      [113.264385, 23.129112], // Guangzhou
      [75.989755, 39.470486], // Kashgar
      [126.534967, 45.803775], // Harbin
    ];
    for (const wgs of places) {
      const gcj = gcoord.transform<[number, number]>([...wgs], gcoord.WGS84, gcoord.GCJ02);
      // The shift is real (hundreds of metres), so the test would notice a no-op.
      expect(distance(wgs, gcj)).toBeGreaterThan(1e-4);
      expect(distance(toWgs84(gcj, 'gcj02'), wgs)).toBeLessThan(1e-6);
      const bd = gcoord.transform<[number, number]>([...wgs], gcoord.WGS84, gcoord.BD09);
      expect(distance(toWgs84(bd, 'bd09'), wgs)).toBeLessThan(2e-6);
    }
  });

  it('leaves positions outside China exactly as they are, for GCJ-02 and BD-09 alike', () => {
    const abroad: Position[] = [
      [2.3522, 48.8566], // Paris
      [-74.006, 40.7128], // New York
      [151.2093, -33.8688], // Sydney
      [-0.1278, 51.5074], // London
    ];
    for (const p of abroad) {
      expect(toWgs84(p, 'gcj02')).toEqual(p);
      expect(toWgs84(p, 'bd09')).toEqual(p);
    }
  });

  it('passes WGS-84 through untouched', () => {
    expect(toWgs84([114.3, 30.54], 'wgs84')).toEqual([114.3, 30.54]);
  });
});

describe('ringToWgs84 and geometryToWgs84', () => {
  const ring: Position[] = [
    [114.3, 30.54],
    [114.31, 30.54],
    [114.31, 30.55],
    [114.3, 30.54],
  ];

  it('convert every position and leave the input alone', () => {
    const copy = structuredClone(ring);
    const out = ringToWgs84(ring, 'gcj02');
    expect(ring).toEqual(copy);
    expect(out).toHaveLength(4);
    out.forEach((p, i) => {
      expect(p).toEqual(toWgs84(ring[i] ?? [0, 0], 'gcj02'));
    });
    expect(out[0]).toEqual(out[3]);
  });

  it('keep the Polygon / MultiPolygon structure', () => {
    const poly: PolygonGeometry = { type: 'Polygon', coordinates: [ring] };
    const multi: PolygonGeometry = { type: 'MultiPolygon', coordinates: [[ring], [ring]] };
    const p = geometryToWgs84(poly, 'bd09');
    const m = geometryToWgs84(multi, 'bd09');
    expect(p.type).toBe('Polygon');
    expect(m.type).toBe('MultiPolygon');
    expect(m.coordinates).toHaveLength(2);
    expect(p.coordinates[0]).toEqual(ringToWgs84(ring, 'bd09'));
  });
});
