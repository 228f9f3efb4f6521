import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ImportProblem, prepareLayer } from '@gridpatrol/core/geo/repair';
import type { PolygonGeometry, Position } from '@gridpatrol/core/geo/types';
import { checkPolygonValidity } from '@gridpatrol/core/geo/validate';
import { area } from '@turf/area';
import { describe, expect, it } from 'vitest';

/**
 * Rings that enclose no area (fewer than 3 distinct positions, or all on one line) inside a
 * feature that keeps area elsewhere: what coordinate quantization (TopoJSON) and simplification
 * leave of islands and holes smaller than the grid step. They are dropped with a warning and an
 * area change of 0; only a feature with nothing left is refused.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

interface Fixture {
  features: { properties: { id: string; name: string }; geometry: PolygonGeometry }[];
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(path.resolve(here, '../fixtures/import', `${name}.geojson`), 'utf8'));
}

function polygonsOf(g: PolygonGeometry): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** Problems one line stands for (a capped line stands for `omitted` more). */
const weight = (p: ImportProblem): number => p.omitted ?? 1;

describe('prepareLayer: collapsed rings inside a feature that keeps area', () => {
  // [feature index, polygon (MultiPolygon only), ring] of the one collapsed ring in each feature.
  const expected: [number, number | undefined, number][] = [
    [0, undefined, 1], // Polygon · hole of 1 distinct position
    [1, undefined, 1], // Polygon · hole of 2 distinct positions, 3 positions
    [2, undefined, 1], // Polygon · hole of 2 distinct positions, 4 positions
    [3, undefined, 1], // Polygon · collinear hole
    [4, 1, 0], // MultiPolygon · part of 1 distinct position
    [5, 1, 0], // MultiPolygon · part of 2 distinct positions
    [6, 1, 0], // MultiPolygon · collinear part
    [7, 0, 1], // MultiPolygon · hole of 1 distinct position
    [8, 0, 1], // MultiPolygon · hole of 2 distinct positions
    [9, 1, 0], // MultiPolygon · collapsed part with a hole (dropped with it)
    [10, undefined, 1], // Polygon · hole of spikes that cancel out
  ];

  it('drops each, with a collapsed_ring warning at its path, its feature named, and an area change of 0', () => {
    const input = fixture('repair-collapsed-parts');
    const result = prepareLayer(input, { layer: 'cells' });
    expect(result.ok).toBe(true);
    expect(result.features).toHaveLength(input.features.length);
    expect(
      result.problems.map((p) => [p.severity, p.code, p.featureIndex, p.polygon, p.ring, p.position]),
    ).toEqual(expected.map(([f, poly, ring]) => ['warning', 'collapsed_ring', f, poly, ring, undefined]));
    for (const p of result.problems) {
      const feature = input.features[p.featureIndex ?? -1];
      expect(p.featureId).toBe(feature?.properties.id);
      expect(p.featureName).toBe(feature?.properties.name);
      const ringPath = p.polygon === undefined ? `[${p.ring}]` : `[${p.polygon}][${p.ring}]`;
      expect(p.path).toBe(`cells.features[${p.featureIndex}].geometry.coordinates${ringPath}`);
      expect(p.areaChangeM2).toBe(0);
      expect(p.areaChangeRatio).toBe(0);
      expect(p.message).toMatch(/dropped (the hole|polygon \d+).*changes the area by 0 m²/);
    }
    expect(result.problems[9]?.message).toMatch(/dropped polygon 1 and its hole/);
    expect(result.problems[3]?.message).toMatch(/on one line/);
    expect(result.problems[10]?.message).toMatch(/spikes that cancel out/);
  });

  it('keeps everything else exactly as it was: the other rings and parts, the geometry type', () => {
    const input = fixture('repair-collapsed-parts');
    const result = prepareLayer(input, { layer: 'cells' });
    result.features.forEach((out, i) => {
      const [f, poly, ring] = expected[i] ?? [];
      expect(f).toBe(i);
      const before = input.features[i]?.geometry as PolygonGeometry;
      // The fixture's other rings are closed, wound as RFC 7946 wants and valid: nothing to repair.
      const inPolygons = polygonsOf(before);
      const kept =
        ring === 0
          ? inPolygons.filter((_, p) => p !== poly)
          : inPolygons.map((rings, p) => (p === (poly ?? 0) ? rings.filter((_, r) => r !== ring) : rings));
      expect(out.geometry).toEqual(
        before.type === 'Polygon'
          ? { type: 'Polygon', coordinates: kept[0] }
          : { type: 'MultiPolygon', coordinates: kept },
      );
      expect(checkPolygonValidity(out.geometry)).toMatchObject({ valid: true });
    });
  });

  it('refuses each under strict, as every repair', () => {
    const result = prepareLayer(fixture('repair-collapsed-parts'), { layer: 'cells', strict: true });
    expect(result.ok).toBe(false);
    expect(result.features).toEqual([]);
    expect(result.problems.map((p) => [p.severity, p.code, p.featureIndex])).toEqual(
      expected.map(([f]) => ['error', 'collapsed_ring', f]),
    );
    for (const p of result.problems) expect(p.message).toMatch(/refused in strict mode/);
  });

  it('gives back features that import again without a problem', () => {
    const once = prepareLayer(fixture('repair-collapsed-parts'), { layer: 'cells' });
    const twice = prepareLayer({ type: 'FeatureCollection', features: once.features }, { layer: 'cells' });
    expect(twice).toEqual({ ok: true, features: once.features, problems: [] });
  });
});

describe('prepareLayer: a feature with nothing left is refused, by name', () => {
  it('names the feature and each of its collapsed outer rings', () => {
    const input = fixture('collapsed-nothing-left');
    const result = prepareLayer(input, { layer: 'cells' });
    expect(result.ok).toBe(false);
    expect(result.features).toEqual([]);
    expect(
      result.problems.map((p) => [p.severity, p.code, p.featureIndex, p.polygon, p.ring, p.position]),
    ).toEqual([
      ['error', 'too_few_distinct_positions', 0, undefined, 0, 0],
      ['error', 'too_few_distinct_positions', 1, undefined, 0, 0],
      ['error', 'too_few_distinct_positions', 2, 0, 0, 0],
      ['error', 'zero_area', 2, 1, 0, 0],
    ]);
    for (const p of result.problems) {
      const feature = input.features[p.featureIndex ?? -1];
      expect(p.featureId).toBe(feature?.properties.id);
      expect(p.featureName).toBe(feature?.properties.name);
      expect(p.message).toMatch(/nothing of the feature is left/);
    }
    expect(result.problems[2]?.message).toMatch(/no other part encloses any area either/);
  });
});

describe('prepareLayer: a county file quantized on a 1e-4° grid (TopoJSON-style)', () => {
  const input = fixture('repair-quantized-archipelago');
  /** Counted from the input alone: rings whose positions, rounded to the grid, are < 3 distinct. */
  const collapsedInInput = input.features.map(
    (f) =>
      polygonsOf(f.geometry)
        .flat()
        .filter((ring) => new Set(ring.map((p) => p.join(','))).size < 3).length,
  );

  it('imports with warnings only, each island or pond that collapsed dropped at 0 m²', () => {
    const result = prepareLayer(input, { layer: 'cells' });
    expect(result.ok).toBe(true);
    expect(result.features.map((f) => f.properties.id)).toEqual(input.features.map((f) => f.properties.id));
    expect(new Set(result.problems.map((p) => `${p.severity}:${p.code}`))).toEqual(
      new Set(['warning:collapsed_ring']),
    );
    const perFeature = input.features.map((_, i) =>
      result.problems.filter((p) => p.featureIndex === i).reduce((n, p) => n + weight(p), 0),
    );
    expect(perFeature).toEqual(collapsedInInput);
    expect(collapsedInInput.every((n) => n > 20)).toBe(true); // past the per-feature cap of 20 lines
    for (const p of result.problems) if (p.omitted === undefined) expect(p.areaChangeM2).toBe(0);
    result.features.forEach((f, i) => {
      expect(checkPolygonValidity(f.geometry)).toMatchObject({ valid: true });
      const before = area(input.features[i]?.geometry as PolygonGeometry);
      expect(Math.abs(area(f.geometry) - before) / before).toBeLessThan(1e-9);
    });
  });

  it('is refused under strict, naming every county', () => {
    const result = prepareLayer(input, { layer: 'cells', strict: true });
    expect(result.ok).toBe(false);
    expect(new Set(result.problems.map((p) => p.featureName))).toEqual(
      new Set(input.features.map((f) => f.properties.name)),
    );
  });
});
