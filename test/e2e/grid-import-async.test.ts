/**
 * Issue 21.4: API grid imports are asynchronous and idempotent (docs/decisions/0021). POST answers
 * 202 with the version to poll while the job validates and writes; a retry under the same
 * Idempotency-Key answers the same version; an import that stalls is marked failed by the
 * `grid-imports` sweep and its partial items are deleted. The body waits in the exports bucket of the
 * local S3, whose own ObjectCreated event starts the job (docs/decisions/0056).
 */
import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { buildGrid, packIndex } from '@gridpatrol/core';
import { GRID_IMPORTS_PREFIX } from '@gridpatrol/functions';
import { runGridImport } from '@gridpatrol/functions/grid-import/job';
import { runJob } from '@gridpatrol/functions/jobs/run';
import { s3 } from '@gridpatrol/functions/s3-client';
import { LOCAL_EXPORTS_BUCKET } from '@gridpatrol/local';
import {
  beginGridImport,
  getCell,
  getGridVersion,
  keys,
  listCells,
  partitionItems,
  writeGridVersion,
} from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginWritingVersion, importGrid, pollImport, syntheticImport } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('riverside');
});
afterAll(async () => {
  await api?.close();
});

const versions = async () =>
  (await api.call('GET', '/grid/imports?limit=500', { as: 'admin' })).body.items as {
    version: number;
    status: string;
  }[];

describe('a big import', () => {
  it('answers 202 before the job is done, and polling ends in a draft', async () => {
    const { body } = syntheticImport(800, 7);
    const started = Date.now();
    const { accepted, acceptedMs, done } = await importGrid(api, body);
    // The answer came while the version was still being written: the job runs after it.
    expect(accepted.body).toMatchObject({ status: 'writing', createdBy: 'admin' });
    expect(accepted.body.counts).toBeUndefined();
    expect(done.body).toMatchObject({ status: 'draft', counts: { cells: 800 } });
    expect(done.body.report.counts.cells).toBe(800);
    expect(done.body.heartbeatAt >= done.body.createdAt).toBe(true);
    // The job read the body from the bucket and deleted it (its event is done once settled).
    await api.settleUploads();
    const left = await (await s3()).send(
      new ListObjectsV2Command({ Bucket: LOCAL_EXPORTS_BUCKET, Prefix: GRID_IMPORTS_PREFIX }),
    );
    expect(left.Contents ?? []).toEqual([]);
    console.info(
      `800-cell import: 202, then draft after ${Date.now() - started} ms (the 202 after ${acceptedMs} ms)`,
    );
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the same version and never makes a second one', async () => {
    const { body } = syntheticImport(40, 11);
    const key = randomUUID();
    const first = await importGrid(api, body, { idempotencyKey: key });
    const before = await versions();
    const retry = await api.call('POST', '/grid/imports', {
      as: 'admin',
      body,
      headers: { 'idempotency-key': key },
    });
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(`/grid/imports/${first.version}`);
    expect(retry.body).toMatchObject({ version: first.version, status: 'draft' });
    expect(await versions()).toEqual(before);
  });

  it('makes one version of parallel twins', async () => {
    const { body } = syntheticImport(30, 12);
    const key = randomUUID();
    const before = (await versions()).length;
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        api.call('POST', '/grid/imports', { as: 'admin', body, headers: { 'idempotency-key': key } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.version)).size).toBe(1);
    expect((await pollImport(api, answers[0]?.body.version)).body.status).toBe('draft');
    expect((await versions()).length).toBe(before + 1);
  });

  it('refuses the same key with another body with 422 naming the header', async () => {
    const key = randomUUID();
    await importGrid(api, syntheticImport(20, 13).body, { idempotencyKey: key });
    const other = await api.call('POST', '/grid/imports', {
      as: 'admin',
      body: syntheticImport(21, 13).body,
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body.error.details).toEqual([
      { path: 'headers.idempotency-key', message: 'already used with another body' },
    ]);
  });

  it('refuses a malformed body at once with 400, making no version', async () => {
    const before = (await versions()).length;
    const res = await api.call('POST', '/grid/imports', {
      as: 'admin',
      rawBody: '{"cells": {"type": "FeatureCollection", "features": []}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect((await versions()).length).toBe(before);
  });
});

describe('a stalled import', () => {
  it('is marked failed by the sweep, its partial items deleted, and cannot be activated', async () => {
    // A job that died half-way: a version begun, some of its items written, then silence.
    const { body } = syntheticImport(120, 21);
    const built = buildGrid(body.cells, body.zones, { config: api.config });
    const begun = await beginWritingVersion();
    const { version } = begun;
    const crash = new Error('the job died');
    await expect(
      writeGridVersion(
        version,
        {
          meta: { createdAt: begun.createdAt, createdBy: 'admin', counts: built.report.counts },
          report: built.report,
          artifact: { indexChunks: packIndex(built.index), sidecar: built.sidecar },
          cells: built.cells,
          zones: built.zones,
        },
        (written) => {
          if (written >= 100) throw crash;
        },
      ),
    ).rejects.toBe(crash);
    const someCell = built.cells[0]?.id as string;
    expect((await listCells(version, undefined, 500)).items.length).toBeGreaterThan(0);

    // While it is still writing, activation says so (409), not 404.
    const early = await api.call('POST', `/grid/imports/${version}/activate`, { as: 'admin' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('still being imported');

    // Within the stall window nothing happens; past it, the sweep fails and cleans it.
    const stall = api.config.grid.importStallMinutes * 60_000;
    await runJob('grid-imports', new Date(Date.now() + stall / 2));
    expect((await getGridVersion(version))?.status).toBe('writing');
    const swept = await runJob('grid-imports', new Date(Date.now() + stall + 60_000));
    expect(swept.changed).toBeGreaterThanOrEqual(1);

    const got = await api.call('GET', `/grid/imports/${version}`, { as: 'admin' });
    expect(got.body).toMatchObject({ status: 'failed', failure: { code: 'stalled' } });
    expect(got.body.failure.message).toContain('no progress since');
    expect(got.body.cleanedAt).toBeDefined();
    expect((await versions()).find((v) => v.version === version)?.status).toBe('failed');
    expect((await listCells(version, undefined, 500)).items).toEqual([]);
    expect(await getCell(version, someCell)).toBeUndefined();
    const left = await partitionItems({ pk: keys.gridVersion(version).pk });
    expect(left.map((i) => String(i.sk).replace(/#\d+$/, ''))).toEqual(['FAILURE', 'META']);
    expect(await partitionItems({ pk: keys.gridArtifactChunk(version, 0).pk })).toEqual([]);

    const activate = await api.call('POST', `/grid/imports/${version}/activate`, { as: 'admin' });
    expect(activate.status).toBe(422);
    expect(activate.body.error.message).toContain('failed to import');
    expect(activate.body.error.details[0].path).toBe('params.version');

    // A second sweep has nothing left to do for it.
    const again = await runJob('grid-imports', new Date(Date.now() + stall + 60_000));
    expect(again.changed).toBe(0);
  });
});

describe('an import job that throws', () => {
  it('marks its version failed with a reason that names no internals, and a duplicate start does nothing', async () => {
    const key = `grid-imports/${'0'.repeat(6)}-${randomUUID()}.json`;
    const started = await beginGridImport({
      createdBy: 'admin',
      inputOf: (v) => ({ key: key.replace('000000', String(v).padStart(6, '0')) }),
    });
    if (!('meta' in started)) throw new Error('no version begun');
    const { version, input } = started.meta;
    // No body was ever stored under the key: reading it throws (not a domain error).
    expect(await runGridImport(input?.key as string)).toBe('failed');
    const got = await api.call('GET', `/grid/imports/${version}`, { as: 'admin' });
    expect(got.body).toMatchObject({ status: 'failed', failure: { code: 'internal' } });
    expect(got.body.failure.message).toBe(
      'The import job failed unexpectedly; nothing of it is kept. Import the file again.',
    );
    expect(got.body.cleanedAt).toBeDefined();
    // S3 may deliver the start event twice: the second finds nothing to claim.
    expect(await runGridImport(input?.key as string)).toBe('skipped');
  });
});
