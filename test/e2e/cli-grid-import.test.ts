/**
 * `gridpatrol grid import` as an operator runs it: files on disk, written in retried batches to a
 * named table, with a report; refused files write nothing and exit non-zero.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/infra/cities';
import { configureHandlerEnv, syntheticCity } from '@gridpatrol/local';
import { ensureTable, getGridPointer, listGridVersions, makeDynamoClient } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../support/cli';

const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-import-'));
const table = `cli-${randomUUID().slice(0, 8)}`;
const endpoint = inject('dynamodbEndpoint');

function write(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const cli = (args: string[]) => runCli(args, dir);
/** `grid import` into this file's table of the riverside city. */
const gridImport = (cells: string, zones: string, ...flags: string[]) =>
  cli([
    'grid',
    'import',
    '--cells',
    cells,
    '--zones',
    zones,
    ...flags,
    '--city',
    'riverside',
    '--table',
    table,
    '--endpoint',
    endpoint,
  ]);

beforeAll(async () => {
  const client = makeDynamoClient(endpoint);
  await ensureTable(client, table);
  client.destroy();
  configureHandlerEnv(readCityConfig('riverside'), endpoint, table);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('names a missing file', () => {
    const out = gridImport(path.join(dir, 'nope.geojson'), path.join(dir, 'nope.geojson'));
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('nope.geojson');
  });
});
