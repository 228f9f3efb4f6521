import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPolygonValidity, type PolygonalInput } from '@gridpatrol/core/geo/validate';
import { describe, expect, it } from 'vitest';
import { squareRing } from '../support/geometry';

/**
 * Conformance of the independent validity checker against test vectors written by other projects
 * (JTS and Turf; see ../shared/testdata/geometry/README.md). The files are always present: a
 * missing file fails the suite rather than skipping it.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const testdata = path.resolve(here, '../../../shared/testdata/geometry');

interface Case {
  id: string;
  name: string;
  expected: boolean;
  geometry: PolygonalInput;
}

function loadCases(file: string): Case[] {
  const parsed = JSON.parse(readFileSync(path.join(testdata, file), 'utf8')) as {
    features: {
      properties: { id: string; name: string; expected_valid: boolean };
      geometry: PolygonalInput;
    }[];
  };
  return parsed.features.map((f) => ({
    id: f.properties.id,
    name: f.properties.name,
    expected: f.properties.expected_valid,
    geometry: f.geometry,
  }));
}

describe('checkPolygonValidity conformance', () => {
  for (const [file, count] of [
    ['jts-validity.geojson', 398],
    ['turf-boolean-valid.geojson', 14],
  ] as const) {
    it(`agrees with expected_valid on every case of ${file}`, () => {
      const cases = loadCases(file);
      expect(cases).toHaveLength(count);
      const disagreements = cases
        .map((c) => ({ c, r: checkPolygonValidity(c.geometry) }))
        .filter(({ c, r }) => r.valid !== c.expected)
        .map(({ c, r }) => `${c.id} (${c.name}): expected ${c.expected}, got ${r.valid} ${r.reason ?? ''}`);
      expect(disagreements).toEqual([]);
    });
  }
});

const poly = (...rings: number[][][]): PolygonalInput => ({ type: 'Polygon', coordinates: rings });
const square = squareRing;

describe('checkPolygonValidity reasons and locations', () => {
  it('names a bow-tie a self-intersection at its crossing point', () => {
    const r = checkPolygonValidity(
      poly([
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
        [0, 0],
      ]),
    );
    expect(r).toMatchObject({ valid: false, reason: 'self_intersection', location: [1, 1] });
    expect(r.issues[0]).toMatchObject({ polygon: 0, ring: 0, position: 0, other: { ring: 0, position: 2 } });
  });

  it('rejects a ring touching itself at one point (JTS rule), with both positions', () => {
    const r = checkPolygonValidity(
      poly([
        [10, 90],
        [50, 90],
        [30, 50],
        [70, 50],
        [50, 90],
        [90, 90],
        [90, 10],
        [10, 10],
        [10, 90],
      ]),
    );
    expect(r).toMatchObject({ valid: false, reason: 'ring_self_touch', location: [50, 90] });
    expect(r.issues[0]).toMatchObject({ ring: 0, position: 1, other: { position: 4 } });
  });

  it('accepts a hole touching its shell once, rejects one touching it twice', () => {
    expect(
      checkPolygonValidity(
        poly(square(0, 0, 60), [
          [0, 40],
          [20, 20],
          [40, 20],
          [0, 40],
        ]),
      ).valid,
    ).toBe(true);
    const twice = checkPolygonValidity(
      poly(square(0, 0, 60), [
        [0, 40],
        [20, 20],
        [60, 20],
        [0, 40],
      ]),
    );
    expect(twice).toMatchObject({ valid: false, reason: 'disconnected_interior' });
  });

  it('finds holes outside, nested holes, nested and overlapping parts', () => {
    expect(checkPolygonValidity(poly(square(0, 0, 10), square(20, 0, 1))).reason).toBe('hole_outside_shell');
    expect(checkPolygonValidity(poly(square(0, 0, 10), square(2, 2, 6), square(3, 3, 1))).reason).toBe(
      'nested_holes',
    );
    const nested = { type: 'MultiPolygon' as const, coordinates: [[square(0, 0, 10)], [square(2, 2, 1)]] };
    expect(checkPolygonValidity(nested).reason).toBe('nested_shells');
    const overlapping = {
      type: 'MultiPolygon' as const,
      coordinates: [[square(0, 0, 10)], [square(5, 5, 10)]],
    };
    expect(checkPolygonValidity(overlapping).reason).toBe('self_intersection');
    const touching = {
      type: 'MultiPolygon' as const,
      coordinates: [[square(0, 0, 10)], [square(10, 10, 10)]],
    };
    expect(checkPolygonValidity(touching).valid).toBe(true);
  });

  it('ignores winding and repeated positions, but not an open ring or a bad number', () => {
    expect(checkPolygonValidity(poly([...square(0, 0, 10)].reverse())).valid).toBe(true);
    expect(
      checkPolygonValidity(
        poly([
          [0, 0],
          [0, 0],
          [10, 0],
          [10, 10],
          [10, 10],
          [0, 0],
        ]),
      ).valid,
    ).toBe(true);
    expect(
      checkPolygonValidity(
        poly([
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
        ]),
      ).reason,
    ).toBe('ring_not_closed');
    expect(
      checkPolygonValidity(
        poly([
          [0, 0],
          [10, Number.NaN],
          [10, 10],
          [0, 0],
        ]),
      ).reason,
    ).toBe('invalid_coordinate');
    expect(
      checkPolygonValidity(
        poly([
          [0, 0],
          [10, 10],
          [0, 0],
          [0, 0],
        ]),
      ).reason,
    ).toBe('too_few_points');
  });

  it('collects every issue of the failing stage with { all: true }', () => {
    const r = checkPolygonValidity(
      poly(
        square(0, 0, 10),
        [
          [1, 1],
          [3, 3],
          [3, 1],
          [1, 3],
          [1, 1],
        ],
        [
          [5, 5],
          [7, 7],
          [7, 5],
          [5, 7],
          [5, 5],
        ],
      ),
      {
        all: true,
      },
    );
    expect(r.issues.map((i) => [i.reason, i.ring])).toEqual([
      ['self_intersection', 1],
      ['self_intersection', 2],
    ]);
  });

  it('decides near-collinear vertices exactly (Kettner et al.’s classroom example)', () => {
    // p = (0.5 + i·2⁻⁵³, 0.5 + j·2⁻⁵³) against the line through (12, 12) and (24, 24): a float cross
    // product gets many of these wrong. The ring p → (12,12) → (24,24) is a spike exactly when p is
    // on that line, which only happens for i = j.
    const u = 2 ** -53;
    const scale = 2n ** 53n;
    const big = (x: number): bigint => BigInt(x) * scale;
    let checked = 0;
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 16; j++) {
        const px = 0.5 + i * u;
        const py = 0.5 + j * u;
        const exact =
          (big(12) - (scale / 2n + BigInt(i))) * (big(24) - (scale / 2n + BigInt(j))) -
          (big(12) - (scale / 2n + BigInt(j))) * (big(24) - (scale / 2n + BigInt(i)));
        const r = checkPolygonValidity(
          poly([
            [px, py],
            [12, 12],
            [24, 24],
            [px, py],
          ]),
        );
        expect(r.valid).toBe(exact !== 0n);
        checked++;
      }
    }
    expect(checked).toBe(256);
  });
});

describe('checkPolygonValidity speed', () => {
  /** A boundary with detail at several scales, like a digitised village edge, of n vertices. */
  function boundary(n: number): number[][] {
    const ring: number[][] = [];
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / n;
      const r =
        0.02 *
        (1 +
          0.2 * Math.sin(3 * t) +
          0.08 * Math.sin(17 * t + 1) +
          0.02 * Math.sin(131 * t) +
          0.002 * Math.sin(1999 * t));
      ring.push([114.3 + r * Math.cos(t), 30.54 + 0.8 * r * Math.sin(t)]);
    }
    ring.push([...(ring[0] ?? [])]);
    return ring;
  }

  it('validates a 20,000-vertex ring in well under a second', () => {
    const g = poly(boundary(20_000));
    checkPolygonValidity(g); // warm up
    const runs = 5;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) expect(checkPolygonValidity(g).valid).toBe(true);
    const ms = (performance.now() - t0) / runs;
    console.info(`checkPolygonValidity: 20,000-vertex ring in ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(250);
  });
});
