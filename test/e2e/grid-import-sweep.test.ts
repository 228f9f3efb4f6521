import { runJob } from '@gridpatrol/functions/jobs/run';
import { failGridImport, GRID_UNSETTLED_PARTITION, getGridVersion, partitionItems } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginWritingVersion, importBody, importGrid, syntheticImport } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('riverside');
});
afterAll(async () => {
  await api?.close();
});

const unsettled = async () =>
  (await partitionItems({ index: 'gsi3', pk: GRID_UNSETTLED_PARTITION })).map((i) => Number(i.version));
const begin = async () => (await beginWritingVersion()).version;

const cleaned = async (version: number) => {
  const until = Date.now() + 30_000;
  while (!(await getGridVersion(version))?.cleanedAt) {
    if (Date.now() > until) throw new Error(`version ${version} was never cleaned up by its job`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('the grid-imports sweep', () => {
  it('reads only writing and uncleaned failed versions, not every version', async () => {
    // Settled versions: three drafts, one of them refused (failed, then cleaned by its job).
    for (const seed of [1, 2, 3]) {
      const { done } = await importGrid(api, syntheticImport(12, seed).body);
      expect(done.body.status).toBe('draft');
    }
    const refused = await importGrid(api, importBody([], []));
    expect(refused.done.body.status).toBe('failed');
    // The job cleans a refused version up after it says 'failed': wait for that, not for the status.
    await cleaned(refused.version);
    const all = (await api.call('GET', '/grid/imports?limit=100', { as: 'admin' })).body.items;
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(await unsettled()).toEqual([]);

    // One import whose job died, one failed whose cleanup was cut short.
    const stalled = await begin();
    const uncleaned = await begin();
    expect(await failGridImport(uncleaned, { code: 'internal', message: 'the job died' })).toBe(true);
    expect((await unsettled()).sort()).toEqual([stalled, uncleaned].sort());

    const stall = api.config.grid.importStallMinutes * 60_000;
    const swept = await runJob('grid-imports', new Date(Date.now() + stall + 60_000));
    expect(swept).toMatchObject({ scanned: 2, changed: 2 });
    expect(await getGridVersion(stalled)).toMatchObject({ status: 'failed', failure: { code: 'stalled' } });
    expect((await getGridVersion(uncleaned))?.cleanedAt).toBeDefined();

    // Both settled: the next run reads nothing.
    expect(await unsettled()).toEqual([]);
    expect(await runJob('grid-imports', new Date(Date.now() + stall + 60_000))).toMatchObject({
      scanned: 0,
      changed: 0,
    });
  });
});
