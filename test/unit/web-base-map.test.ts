/**
 * The field app's map on a GCJ-02 base map (packages/web/src/app/base-map.ts): overlays drawn
 * shifted, a dragged position brought back to WGS-84; on any other map nothing moves.
 */
import { wgs84ToGcj02 } from '@gridpatrol/core/geo/gcj02';
import { baseMapShift } from '@gridpatrol/web/app/base-map';
import { describe, expect, it } from 'vitest';

const DEMO = [120.2, 30.275] as const;
const tiles = (coordSys: 'wgs84' | 'gcj02' | 'cgcs2000') => ({
  url: 'https://tile.example.org/{z}/{x}/{y}.png',
  attribution: '©',
  coordSys,
});

describe('baseMapShift', () => {
  it('draws WGS-84 positions shifted on a GCJ-02 map, and brings a dragged one back within 1e-6°', () => {
    const shift = baseMapShift(tiles('gcj02'));
    const onMap = shift.toMap(...DEMO);
    expect(onMap).toEqual(wgs84ToGcj02(DEMO));
    // The shift is hundreds of metres here: a missing shift would not pass unnoticed.
    expect(Math.abs(onMap[0] - DEMO[0])).toBeGreaterThan(1e-3);
    const back = shift.fromMap(...onMap);
    expect(Math.abs(back[0] - DEMO[0])).toBeLessThan(1e-6);
    expect(Math.abs(back[1] - DEMO[1])).toBeLessThan(1e-6);
  });

  it('moves nothing on WGS-84 or CGCS2000 tiles, or with no tiles', () => {
    for (const shift of [
      baseMapShift(tiles('wgs84')),
      baseMapShift(tiles('cgcs2000')),
      baseMapShift(undefined),
    ]) {
      expect(shift.toMap(...DEMO)).toEqual([...DEMO]);
      expect(shift.fromMap(...DEMO)).toEqual([...DEMO]);
    }
  });
});
