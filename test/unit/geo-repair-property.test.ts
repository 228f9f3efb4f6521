import { prepareLayer } from '@gridpatrol/core/geo/repair';
import type { Position } from '@gridpatrol/core/geo/types';
import { checkPolygonValidity } from '@gridpatrol/core/geo/validate';
import { area } from '@turf/area';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * Simple polygons built star-shaped around a centre: vertex i sits at angle (i + f_i)·2π/n with
 * f_i in [0, 0.45), so angles strictly increase and no gap reaches 180° even for a triangle; any
 * radii then give a simple polygon winding once counter-clockwise round the centre (with a gap
 * over 180° the centre can fall outside, and a triangle drawn "in angle order" be clockwise). Optionally given clockwise and/or without the closing position,
 * which the pipeline must put right without touching the area.
 */
const starPolygon = fc
  .record({
    lon: fc.double({ min: -170, max: 170, noNaN: true }),
    lat: fc.double({ min: -70, max: 70, noNaN: true }),
    vertices: fc.array(
      fc.record({
        f: fc.double({ min: 0, max: 0.45, maxExcluded: true, noNaN: true }),
        r: fc.double({ min: 1e-4, max: 0.05, noNaN: true }),
      }),
      { minLength: 3, maxLength: 80 },
    ),
    clockwise: fc.boolean(),
    closed: fc.boolean(),
  })
  .map(({ lon, lat, vertices, clockwise, closed }) => {
    const n = vertices.length;
    const ring: Position[] = vertices.map(({ f, r }, i) => {
      const t = ((i + f) * 2 * Math.PI) / n;
      return [lon + r * Math.cos(t), lat + r * Math.sin(t)];
    });
    if (clockwise) ring.reverse();
    const first = ring[0];
    if (closed && first) ring.push([first[0], first[1]]);
    return { ring, clockwise, closed };
  });

describe('prepareLayer on random simple polygons', () => {
  it('keeps their area (ratio change < 1e-9) and returns them valid, with only tidy-up warnings', () => {
    fc.assert(
      fc.property(starPolygon, ({ ring, clockwise, closed }) => {
        const input = {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { id: 'C-0001', name: '随机网格' },
              geometry: { type: 'Polygon', coordinates: [ring] },
            },
          ],
        };
        const result = prepareLayer(input, { layer: 'cells' });
        expect(result.ok).toBe(true);
        const expectedCodes = [...(closed ? [] : ['unclosed_ring']), ...(clockwise ? ['wrong_winding'] : [])];
        expect(result.problems.map((p) => p.code)).toEqual(expectedCodes);
        const geometry = result.features[0]?.geometry;
        expect(geometry?.type).toBe('Polygon');
        if (geometry === undefined) return;
        expect(checkPolygonValidity(geometry).valid).toBe(true);
        const first = ring[0] ?? [0, 0];
        const closedRing = closed ? ring : [...ring, first];
        const before = area({ type: 'Polygon', coordinates: [closedRing] });
        expect(Math.abs(area(geometry) - before) / before).toBeLessThan(1e-9);
      }),
      { numRuns: 300 },
    );
  });
});
