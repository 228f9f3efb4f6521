import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareLayer } from '@gridpatrol/core/geo/repair';
import { checkPolygonValidity } from '@gridpatrol/core/geo/validate';
import { describe, expect, it } from 'vitest';

/**
 * The import pipeline (checks, repairs, rebuild) over the shared validity vectors of JTS and Turf
 * (../shared/testdata/geometry/README.md): what comes out is valid, a valid input is taken with at
 * most tidy-up warnings, and an invalid one is never taken silently.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const testdata = path.resolve(here, '../../../shared/testdata/geometry');

interface Case {
  properties: { id: string; name: string; expected_valid: boolean };
  geometry: unknown;
}

/** What the OGC rules do not call invalid: winding, and a position written twice in a row. */
const TIDY_UPS = new Set(['wrong_winding', 'repeated_positions']);

describe.each(['jts-validity.geojson', 'turf-boolean-valid.geojson'])('prepareLayer over %s', (file) => {
  const cases = (JSON.parse(readFileSync(path.join(testdata, file), 'utf8')) as { features: Case[] })
    .features;
  const results = cases.map((c) => ({
    c,
    r: prepareLayer(
      {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { id: 'C-1', name: c.properties.name }, geometry: c.geometry },
        ],
      },
      { layer: 'cells' },
    ),
  }));

  it('returns only valid geometry', () => {
    const invalid = results
      .filter(({ r }) => r.ok && r.features.some((f) => !checkPolygonValidity(f.geometry).valid))
      .map(({ c }) => c.properties.id);
    expect(invalid).toEqual([]);
  });

  it('takes every valid case, with tidy-up warnings at most', () => {
    const refused = results
      .filter(({ c }) => c.properties.expected_valid)
      .filter(({ r }) => !r.ok || r.problems.some((p) => !TIDY_UPS.has(p.code)))
      .map(
        ({ c, r }) => `${c.properties.id}: ${r.problems.map((p) => `${p.severity} ${p.code}`).join(', ')}`,
      );
    expect(refused).toEqual([]);
  });

  it('never takes an invalid case without an error or a repair', () => {
    const silent = results
      .filter(({ c }) => !c.properties.expected_valid)
      .filter(({ r }) => r.ok && r.problems.every((p) => TIDY_UPS.has(p.code)))
      .map(({ c }) => `${c.properties.id} (${c.properties.name})`);
    expect(silent).toEqual([]);
  });
});
