/**
 * `gridpatrol grid import` as an operator runs it: files on disk, written in retried batches to a
 * named table, with a report; refused files write nothing and exit non-zero.
 */
import path from 'node:path';
import { syntheticCity } from '@gridpatrol/local';
import { getGridPointer, listGridVersions } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridImportTarget } from '../support/cli';
import { testDatabaseEndpoint } from '../support/database';

const target = gridImportTarget('cli', testDatabaseEndpoint());
const { dir, write, gridImport } = target;

beforeAll(() => target.prepare());
afterAll(target.cleanup);

describe('gridpatrol grid import', () => {
  it('imports and activates a grid of 1,000 cells, reporting what it did', () => {
    const city = syntheticCity({
      cells: 1000,
      seed: 5,
      offices: ['office-north', 'office-south'],
      gap: true,
    });
    const cells = write('cells.geojson', { type: 'FeatureCollection', features: city.cells });
    const zones = write('zones.geojson', { type: 'FeatureCollection', features: city.zones });
    const out = gridImport(cells, zones, '--activate');
    expect(out.status, out.stderr + out.stdout).toBe(0);
    expect(out.stdout).toContain('Checked 1000 cells');
    expect(out.stdout).toMatch(/Grid version 1 written as a draft/);
    expect(out.stdout).toMatch(/\d+ cells in no zone/);
    expect(out.stdout).toContain('Grid version 1 is now active.');
  });

  it('stores it: the version is active', async () => {
    expect((await getGridPointer()).activeVersion).toBe(1);
    const versions = await listGridVersions();
    expect(versions.items[0]).toMatchObject({ version: 1, status: 'active', counts: { cells: 1000 } });
  });

  it('refuses a broken file, lists its problems and writes nothing', async () => {
    const cells = write('broken.geojson', {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'a', name: 'A' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [114, 22.5],
                [114.01, 22.5],
                [114, 22.5],
              ],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { id: 'a', name: 'A2' },
          geometry: { type: 'Point', coordinates: [114, 22.5] },
        },
      ],
    });
    const zones = write('zones-ok.geojson', { type: 'FeatureCollection', features: [] });
    const out = gridImport(cells, zones);
    expect(out.status).toBe(2);
    expect(out.stdout + out.stderr).toMatch(/refused/);
    expect(out.stdout + out.stderr).toContain('cells.features[1]');
    expect((await listGridVersions()).items).toHaveLength(1);
  });

  it('reviews an activation: a 2-cell grid over the active 1,000 is refused, the draft kept (exit 3)', async () => {
    const small = syntheticCity({ cells: 2, seed: 9, offices: ['office-north'] });
    const cells = write('small-cells.geojson', { type: 'FeatureCollection', features: small.cells });
    const zones = write('small-zones.geojson', { type: 'FeatureCollection', features: small.zones });
    const out = gridImport(cells, zones, '--activate');
    expect(out.status, out.stderr + out.stdout).toBe(3);
    expect(out.stdout).toContain('Review of version 2 against the active version 1:');
    expect(out.stdout).toMatch(/cells {5}1000 → 2: \d+ added, \d+ removed/);
    expect(out.stdout).toMatch(
      /Blockers:\n {2}area: The draft no longer covers \d+\.\d% of the active grid's area/,
    );
    expect(out.stderr).toContain('Grid version 2 stays a draft');
    expect((await getGridPointer()).activeVersion).toBe(1);
    expect((await listGridVersions()).items[0]).toMatchObject({ version: 2, status: 'draft' });

    const noReason = gridImport(cells, zones, '--activate', '--force');
    expect(noReason.status).toBe(1);
    expect(noReason.stderr).toContain('--force needs --reason');
  });

  it('activates it with --force and a reason, which the version records', async () => {
    const small = syntheticCity({ cells: 2, seed: 9, offices: ['office-north'] });
    const cells = write('small-cells.geojson', { type: 'FeatureCollection', features: small.cells });
    const zones = write('small-zones.geojson', { type: 'FeatureCollection', features: small.zones });
    const out = gridImport(cells, zones, '--activate', '--force', '--reason', 'Pilot area only, on purpose');
    expect(out.status, out.stderr + out.stdout).toBe(0);
    expect(out.stdout).toContain('Forced past 1 blocker: Pilot area only, on purpose');
    const pointer = await getGridPointer();
    const active = (await listGridVersions()).items.find((v) => v.version === pointer.activeVersion);
    expect(active?.activationOverride).toMatchObject({ by: 'cli', reason: 'Pilot area only, on purpose' });
  });

  it('names a missing file', () => {
    const out = gridImport(path.join(dir, 'nope.geojson'), path.join(dir, 'nope.geojson'));
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('nope.geojson');
  });
});
