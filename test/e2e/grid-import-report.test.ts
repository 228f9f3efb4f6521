/**
 * The import report through the API and the CLI, for a file with over a thousand warnings and
 * three refusing errors near its end: every error comes first, by index, id and name; the
 * warnings are summed up by kind; `--report FILE` writes everything as JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listGridVersions } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridImportTarget } from '../support/cli';
import { testDatabaseEndpoint } from '../support/database';
import { importGrid } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';
import { noisyImport } from '../support/noisy-import';

const noisy = noisyImport(1200);
const archipelago = JSON.parse(
  readFileSync(path.resolve(__dirname, '../fixtures/import/repair-quantized-archipelago.geojson'), 'utf8'),
);
/** Collapsed islands and ponds in the fixture, counted from the input: rings of < 3 distinct positions. */
const collapsedIslands = (archipelago.features as { geometry: { coordinates: number[][][][] } }[])
  .flatMap((f) => f.geometry.coordinates.flat())
  .filter((ring) => new Set(ring.map((p) => p.join(','))).size < 3).length;
const warningTotal = noisy.warnings.collapsed_ring + noisy.warnings.wrong_winding;

/** "[code] cells feature N (id "…", name "…")", as every error must begin. */
const expectedErrors = noisy.errors.map(([index, code]) => {
  const { id, name } = noisy.names[index] ?? { id: '', name: '' };
  return `[${code}] cells feature ${index} (id "${id}", name "${name}")`;
});

describe('through the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('riverside');
  });
  afterAll(async () => {
    await api?.close();
  });

  // Imports are asynchronous (0021): the refusal is the failed version's `failure` and `errors`.
  it('fails the version with every error, by name, and the warnings counted by kind', async () => {
    const { version, done } = await importGrid(api, { cells: noisy.cells, zones: noisy.zones });
    expect(done.body).toMatchObject({ status: 'failed', failure: { code: 'unprocessable' } });
    const message: string = done.body.failure.message;
    const details: { path: string; message: string }[] = done.body.errors;
    expect(details).toHaveLength(expectedErrors.length);
    details.forEach((d, k) => {
      expect(d.message.startsWith(`${expectedErrors[k]}: `)).toBe(true);
      expect(d.path.startsWith(`cells.features[${noisy.errors[k]?.[0]}]`)).toBe(true);
    });
    expect(message).toContain('3 errors');
    expect(message).toContain(`${warningTotal} repairable warnings`);
    expect(message).toContain(
      `${noisy.warnings.collapsed_ring} collapsed_ring, ${noisy.warnings.wrong_winding} wrong_winding`,
    );
    const list = (await api.call('GET', '/grid/imports', { as: 'admin' })).body.items;
    expect(list.map((m: { version: number; status: string }) => [m.version, m.status])).toEqual([
      [version, 'failed'],
    ]);
  });

  it('takes a quantized boundary file, its warnings counted by kind in the draft report', async () => {
    const { version, done } = await importGrid(api, { cells: archipelago, zones: noisy.zones });
    expect(done.body.status, JSON.stringify(done.body).slice(0, 300)).toBe('draft');
    const expected = [{ code: 'collapsed_ring', count: collapsedIslands }];
    expect(done.body.report.warningsByCode).toEqual(expected);
    const stored = await api.call('GET', `/grid/imports/${version}`, { as: 'admin' });
    expect(stored.body.report.warningsByCode).toEqual(expected);
    // Each warning in its reader's words (issue 16): Chinese by its kind, English as the import wrote it.
    const read = (language: string) =>
      api.call('GET', `/grid/imports/${version}`, { as: 'admin', headers: { 'accept-language': language } });
    const [zh] = (await read('zh-CN')).body.report.warnings;
    const [en] = (await read('en')).body.report.warnings;
    expect(zh.message).toMatch(/^［collapsed_ring］.*[\u4e00-\u9fff]/);
    expect(en.message).toMatch(/distinct/);
    expect(en.message).not.toMatch(/[\u4e00-\u9fff]/);
    expect({ ...zh, message: '' }).toEqual({ ...en, message: '' });
  });
});

describe('through the CLI', () => {
  const target = gridImportTarget('report', testDatabaseEndpoint());
  const { dir, write } = target;
  const gridImport = (...flags: string[]) =>
    target.gridImport(write('cells.geojson', noisy.cells), write('zones.geojson', noisy.zones), ...flags);

  beforeAll(() => target.prepare());
  afterAll(target.cleanup);

  it('prints every error first, by name, then the warnings by kind, and writes the whole report', async () => {
    const reportFile = path.join(dir, 'report.json');
    const out = gridImport('--report', reportFile);
    expect(out.status, out.stderr).toBe(2);
    const lines = out.stderr.split('\n');
    const firstError = lines.findIndex((l) => l.includes(expectedErrors[0] ?? '?'));
    expect(firstError).toBeGreaterThan(0);
    expectedErrors.forEach((e, k) => {
      expect(lines[firstError + k]).toContain(e);
    });
    const firstWarning = lines.findIndex((l) => /\[(collapsed_ring|wrong_winding)\]/.test(l));
    expect(firstWarning).toBeGreaterThan(firstError + 2);
    expect(out.stderr).toMatch(new RegExp(`\\n +${noisy.warnings.collapsed_ring}  collapsed_ring\\n`));
    expect(out.stderr).toMatch(new RegExp(`\\n +${noisy.warnings.wrong_winding}  wrong_winding\\n`));
    expect(out.stderr).toContain(`they are in ${reportFile}`);

    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.ok).toBe(false);
    expect(
      report.errors.map((p: { featureIndex: number; code: string }) => [p.featureIndex, p.code]),
    ).toEqual(noisy.errors);
    expect(report.warningCount).toBe(warningTotal);
    expect(report.warnings).toHaveLength(warningTotal); // one line each: at most 2 of a code per feature
    expect(report.warningsByCode).toEqual([
      { code: 'collapsed_ring', count: noisy.warnings.collapsed_ring },
      { code: 'wrong_winding', count: noisy.warnings.wrong_winding },
    ]);
    expect((await listGridVersions()).items).toEqual([]);
  });

  it('imports a quantized boundary file with warnings, and reports them whole', () => {
    const reportFile = path.join(dir, 'archipelago-report.json');
    const out = target.gridImport(
      write('archipelago.geojson', archipelago),
      write('zones.geojson', noisy.zones),
      '--report',
      reportFile,
    );
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`\\n +${collapsedIslands}  collapsed_ring\\n`));
    expect(out.stdout).toMatch(/Grid version \d+ written as a draft/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report).toMatchObject({
      ok: true,
      errors: [],
      warningCount: collapsedIslands,
      warningsByCode: [{ code: 'collapsed_ring', count: collapsedIslands }],
      counts: { cells: archipelago.features.length },
    });
  });
});
