import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareLayer } from '@gridpatrol/core/geo/repair';
import { describe, expect, it, vi } from 'vitest';

/**
 * polygon-clipping, which rebuilds invalid polygons, fails on some tangled input (a few in a
 * thousand random self-crossing rings; none of the realistic fixtures). Which inputs fail shifts
 * with the last bits of a coordinate, so instead of a brittle fixture the rebuild is made to fail
 * here, to check how the failure is reported.
 */
vi.mock('@gridpatrol/core/geo/repair-make-valid', () => ({
  makeValid: () => {
    throw new Error('Unable to complete output ring');
  },
}));

const here = path.dirname(fileURLToPath(import.meta.url));
const bowTie = JSON.parse(
  readFileSync(path.resolve(here, '../fixtures/import/repair-bow-tie.geojson'), 'utf8'),
);

describe('prepareLayer when a rebuild fails', () => {
  it('refuses the feature with repair_failed, naming the defect and where it is', () => {
    const result = prepareLayer(bowTie, { layer: 'cells' });
    expect(result.ok).toBe(false);
    expect(result.features).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({
      severity: 'error',
      code: 'repair_failed',
      featureIndex: 0,
      featureId: '420106002003-001',
      ring: 0,
      position: 1,
      path: 'cells.features[0].geometry.coordinates[0][1]',
    });
    expect(result.problems[0]?.message).toMatch(
      /crosses or runs along itself.*Unable to complete output ring.*by hand/,
    );
  });
});
