/**
 * The activation review measures the dropped land by geometry (docs/decisions/0026): the demo's
 * active grid imported again with every cell renamed covers the same land, so the diff shows
 * nothing dropped and no area blocker, though every old id is "removed" (and the people serving
 * those ids are still named).
 */
import { readCityConfig } from '@gridpatrol/cities';
import { demoGridFiles } from '@gridpatrol/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importGrid } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';

let api: TestApi;
afterAll(async () => {
  await api?.close();
});
beforeAll(async () => {
  api = await startTestApi('demo');
});

describe('GET /grid/imports/{v}/diff, dropped area', () => {
  it('finds no land dropped when every cell is renamed over the same land', async () => {
    const files = demoGridFiles(readCityConfig('demo'));
    // Streets 9xx instead of 0xx: every cell id changes, not one vertex does.
    const renamed = files.cells.features.map((c) => ({
      ...c,
      properties: { ...c.properties, id: `3301069${c.properties.id.slice(7)}` },
    }));
    const imported = await importGrid(api, {
      cells: { ...files.cells, features: renamed },
      zones: files.zones,
    });
    expect(imported.done.body.status, imported.done.text.slice(0, 600)).toBe('draft');

    const res = await api.call('GET', `/grid/imports/${imported.version}/diff`, { as: 'admin' });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body.cells.removed).toHaveLength(300);
    expect(res.body.cells.added).toHaveLength(300);
    expect(res.body.area.droppedShare).toBe(0);
    expect(res.body.area.droppedM2).toBe(0);
    expect(res.body.area.activeM2).toBeGreaterThan(0);
    const paths = res.body.blockers.map((b: { path: string }) => b.path);
    expect(paths).not.toContain('area');
    expect(paths).toContain('people');
  });
});
