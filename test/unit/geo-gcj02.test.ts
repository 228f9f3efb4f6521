/**
 * WGS-84 ⇄ GCJ-02 (packages/core/src/geo/gcj02.ts) against published reference pairs: the
 * eviltransform project's test vectors (googollee/eviltransform, wgs → gcj for Shanghai, Shenzhen,
 * Beijing) and gcoord's README pair, both independent implementations of the same formula.
 */
import { gcj02ToWgs84, outsideGcj02Area, wgs84ToGcj02 } from '@gridpatrol/core/geo/gcj02';
import { describe, expect, it } from 'vitest';

// [wgsLon, wgsLat, gcjLon, gcjLat]
const EVILTRANSFORM: readonly (readonly [number, number, number, number])[] = [
  [121.5272106, 31.1774276, 121.531541859215, 31.17530398364597], // Shanghai
  [113.912316, 22.543847, 113.9171764808363, 22.540796131694766], // Shenzhen
  [116.377817, 39.911954, 116.38404722455657, 39.91334545536069], // Beijing
];

const apart = (a: readonly number[], b: readonly number[]) =>
  Math.max(
    Math.abs((a[0] ?? Number.NaN) - (b[0] ?? Number.NaN)),
    Math.abs((a[1] ?? Number.NaN) - (b[1] ?? Number.NaN)),
  );

describe('wgs84ToGcj02', () => {
  it("matches eviltransform's reference pairs to 1e-9°", () => {
    for (const [lon, lat, gLon, gLat] of EVILTRANSFORM)
      expect(apart(wgs84ToGcj02([lon, lat]), [gLon, gLat])).toBeLessThan(1e-9);
  });

  it("matches gcoord's README pair", () => {
    // gcoord's README: GCJ02 [123, 45] → WGS84 [122.99395597, 44.99804071], truncated to 8 decimals and
    // found by gcoord's own iteration: so within 1e-6°, not exactly.
    expect(apart(wgs84ToGcj02([122.99395597, 44.99804071]), [123, 45])).toBeLessThan(1e-6);
  });

  it('leaves positions outside China where they are', () => {
    expect(outsideGcj02Area(2.3522, 48.8566)).toBe(true);
    expect(wgs84ToGcj02([2.3522, 48.8566])).toEqual([2.3522, 48.8566]);
    expect(wgs84ToGcj02([-74.006, 40.7128])).toEqual([-74.006, 40.7128]);
  });
});

describe('gcj02ToWgs84', () => {
  it('inverts the reference pairs within 1e-6°', () => {
    for (const [lon, lat, gLon, gLat] of EVILTRANSFORM)
      expect(apart(gcj02ToWgs84([gLon, gLat]), [lon, lat])).toBeLessThan(1e-6);
  });

  it('round-trips within 1e-6° across China, where the shift is hundreds of metres', () => {
    const places: [number, number][] = [
      [120.2, 30.275], // the demo city
      [75.989755, 39.470486], // Kashgar
      [126.534967, 45.803775], // Harbin
      [109.5, 18.25], // Sanya
    ];
    for (const wgs of places) {
      const gcj = wgs84ToGcj02(wgs);
      expect(apart(wgs, gcj)).toBeGreaterThan(1e-4);
      expect(apart(gcj02ToWgs84(gcj), wgs)).toBeLessThan(1e-6);
    }
  });

  it('leaves positions outside China where they are', () => {
    expect(gcj02ToWgs84([2.3522, 48.8566])).toEqual([2.3522, 48.8566]);
  });
});
