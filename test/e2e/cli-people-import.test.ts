/**
 * `gridpatrol people import` as an operator runs it: a CSV or JSON file, every bad row reported by
 * line and field, nothing written unless every row is good.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import { configureHandlerEnv, seedCity } from '@gridpatrol/local';
import { ensureTable, getPerson, listPeople, makeDynamoClient } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { testDatabaseEndpoint } from '../support/database';

const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-people-'));
const table = `cli-people-${randomUUID().slice(0, 8)}`;
const endpoint = testDatabaseEndpoint();
let cells: string[];
let zone: string;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const cli = (args: string[]) => runCli(args, dir);
const run = (file: string) =>
  cli(['people', 'import', file, '--city', 'demo', '--table', table, '--endpoint', endpoint]);

beforeAll(async () => {
  const client = makeDynamoClient(endpoint);
  await ensureTable(client, table);
  client.destroy();
  const config = readCityConfig('demo');
  configureHandlerEnv(config, endpoint, table);
  await seedCity(config);
  cells = (await getPerson('worker-liu'))?.cells ?? [];
  zone = (await getPerson('officer-li'))?.zones[0] ?? '';
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gridpatrol people import', () => {
  it('reports every bad row by line and field, and imports none of the file', async () => {
    const csv = [
      'id,name,role,office,zones,cells,capacity,weekdays,active',
      `csv-ok,好人,grid_worker,office-east,,${cells[0]};${cells[1]},5,1|2|3,yes`,
      'csv-bad-role,x,boss,office-east,,,,,',
      `csv-bad-cell,y,grid_worker,office-east,,${cells[0]};330106000000000,,,`,
      `csv-bad-office,z,zone_officer,office-moon,${zone},,-1,9,maybe`,
      `csv-ok,dup,grid_worker,office-east,,,,,`,
    ].join('\n');
    const out = run(write('bad.csv', csv));
    expect(out.status, out.stderr + out.stdout).toBe(2);
    expect(out.stderr).toContain('nothing was imported');
    expect(out.stderr).toMatch(/line 3 role: /);
    expect(out.stderr).toMatch(/line 4 cells\[1\]: no cell '330106000000000'/);
    expect(out.stderr).toMatch(/line 5 capacity: /);
    expect(out.stderr).toMatch(/line 5 availability\.weekdays\[0\]: /);
    expect(out.stderr).toMatch(/line 5 active: /);
    expect(out.stderr).toMatch(/line 6 id: 'csv-ok' already on line 2/);
    expect(await getPerson('csv-ok')).toBeUndefined();
  });

  it('refuses an unknown column', async () => {
    const out = run(write('col.csv', 'id,name,role,shoe\nq,q,grid_worker,42\n'));
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/line 1 shoe: unknown column/);
  });

  it('imports a good CSV with its memberships, zones and cells split by ; or |', async () => {
    const csv = [
      'id,name,phone,role,office,zones,cells,capacity,weekdays,datesOff,active',
      `csv-w1,吴,13800000000,grid_worker,office-east,,${cells[0]}|${cells[1]},5,1;2;3,2026-01-01,true`,
      `csv-o1,欧,,zone_officer,office-east,${zone},,10,,,`,
      'csv-v1,韦,,volunteer,office-east,,,,,,false',
    ].join('\n');
    const out = run(write('good.csv', csv));
    expect(out.status, out.stderr + out.stdout).toBe(0);
    expect(out.stdout).toContain('Imported 3 people');
    expect(await getPerson('csv-w1')).toMatchObject({
      cells: [cells[0], cells[1]],
      capacity: 5,
      availability: { weekdays: [1, 2, 3], datesOff: ['2026-01-01'] },
      active: true,
      version: 1,
    });
    expect((await getPerson('csv-v1'))?.active).toBe(false);
    const inCell = await listPeople([{ kind: 'cell', id: cells[1] ?? '' }], {});
    expect(inCell.items.map((p) => p.id)).toContain('csv-w1');
  });

  it('imports a JSON array, replacing people already there, and reports JSON rows by index', async () => {
    const bad = run(
      write(
        'bad.json',
        JSON.stringify([
          { id: 'j1', name: 'j', role: 'grid_worker' },
          { id: 'j2', role: 'x' },
        ]),
      ),
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/\[1\] name: /);
    expect(await getPerson('j1')).toBeUndefined();
    const good = run(
      write(
        'good.json',
        JSON.stringify([
          { id: 'j1', name: 'j', role: 'grid_worker' },
          { id: 'csv-w1', name: '吴', role: 'grid_worker', office: 'office-east', cells: [cells[2]] },
        ]),
      ),
    );
    expect(good.status, good.stderr).toBe(0);
    const moved = await getPerson('csv-w1');
    expect(moved).toMatchObject({ cells: [cells[2]], version: 2 });
    const old = await listPeople([{ kind: 'cell', id: cells[1] ?? '' }], {});
    expect(old.items.map((p) => p.id)).not.toContain('csv-w1');
  });

  it('prints the Cognito commands for a person', () => {
    const out = cli([
      'people',
      'cognito-command',
      'officer-li',
      '--user-pool-id',
      'cn-north-1_X',
      '--city',
      'demo',
      '--table',
      table,
      '--endpoint',
      endpoint,
    ]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('admin-create-user --user-pool-id cn-north-1_X --username officer-li');
    expect(out.stdout).toContain('Name=custom:person_id,Value=officer-li');
    expect(out.stdout).toContain('--group-name zone_officer');
  });
});
