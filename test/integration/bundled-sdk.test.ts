/**
 * The Lambda bundles take the AWS SDK from its ES modules (functions/bundling.ts, decision 0060),
 * which no other test runs: tests import the sources, and Node resolves the SDK to its CommonJS
 * build. So the store and the exports' S3 store are bundled here exactly as a function is, and
 * used against DynamoDB Local and the local S3 (which checks signatures, as S3 does): a table made
 * (its error classes must match for `instanceof`), an item written and read back, a multipart
 * upload, a presigned GET, a delete, a photo's presigned POST.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import { toWgs84 } from '@gridpatrol/core/geo/coords';
import { makeValid } from '@gridpatrol/core/geo/repair-make-valid';
import { lambdaEsbuildOptions } from '@gridpatrol/functions/bundling';
import {
  LOCAL_ATTACHMENTS_BUCKET,
  LOCAL_EXPORTS_BUCKET,
  type LocalS3,
  startLocalS3,
} from '@gridpatrol/local';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';

type Bundled = typeof import('./bundled-sdk-entry');

const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-bundled-sdk-'));
let bundled: Bundled;
let metafile: Metafile;
let s3: LocalS3;

beforeAll(async () => {
  const outfile = path.join(dir, 'index.cjs');
  const result = await build({
    ...lambdaEsbuildOptions(readCityConfig('demo')),
    entryPoints: [path.join(import.meta.dirname, 'bundled-sdk-entry.ts')],
    outfile,
    sourcemap: false,
    metafile: true,
    logLevel: 'error',
  });
  metafile = result.metafile;
  bundled = createRequire(import.meta.url)(outfile) as Bundled;
  s3 = await startLocalS3({ dir: path.join(dir, 's3') });
}, 60_000);

afterAll(async () => {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('is built from the SDK’s ES modules', () => {
  const sdkFiles = Object.keys(metafile.inputs).filter((f) => /node_modules\/@aws-sdk\/client-/.test(f));
  expect(sdkFiles.length).toBeGreaterThan(0);
  expect(sdkFiles.filter((f) => f.includes('/dist-cjs/'))).toEqual([]);
});

it('makes a table, writes an item and reads it back on DynamoDB Local', async () => {
  const table = `bundled-${randomUUID()}`;
  const { DynamoDBClient } = bundled;
  const client = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // ensureTable tells "no such table" from other errors by the SDK's own error class.
  expect(await bundled.ensureTable(client, table)).toBe(true);
  expect(await bundled.ensureTable(client, table)).toBe(false);

  const item = {
    pk: 'CELL#1',
    sk: 'META',
    name: '南湖街道 3 号网格',
    weight: 2.5,
    tags: ['a', 'b'],
    nested: { n: 1 },
  };
  const doc = bundled.documentClient();
  await doc.send(new bundled.PutCommand({ TableName: table, Item: item }));
  const read = await doc.send(
    new bundled.GetCommand({ TableName: table, Key: { pk: 'CELL#1', sk: 'META' } }),
  );
  expect(read.Item).toEqual(item);
});

it('uploads in parts, presigns a GET the local S3 accepts, and deletes', async () => {
  const store = new bundled.S3ObjectStore(LOCAL_EXPORTS_BUCKET);
  const key = `exports/bundled-${randomUUID()}.csv`;
  // Two parts of 8 MiB and a tail: lib-storage's multipart upload, not one PutObject.
  const line = `${'网格,'.repeat(30)}\n`;
  const sink = store.writeStream(key, { contentType: 'text/csv; charset=utf-8', filename: '导出.csv' });
  const hash = createHash('sha256');
  let written = 0;
  while (written < 17 * 1024 * 1024) {
    const chunk = line.repeat(2_000);
    await sink.write(chunk);
    hash.update(chunk);
    written += Buffer.byteLength(chunk);
  }
  expect((await sink.end()).bytes).toBe(written);

  const url = await store.presignedUrl(key, new Date(Date.now() + 60_000));
  const got = await fetch(url);
  expect(got.status).toBe(200);
  const body = Buffer.from(await got.arrayBuffer());
  expect(body.length).toBe(written);
  expect(createHash('sha256').update(body).digest('hex')).toBe(hash.digest('hex'));
  // The signature covers the key: another key with the same query string is refused.
  expect((await fetch(url.replace(key, `${key}.other`))).status).toBe(403);

  await store.remove(key);
  expect((await fetch(await store.presignedUrl(key, new Date(Date.now() + 60_000)))).status).toBe(404);
}, 60_000);

it('signs a photo slot’s POST form that the local S3 takes', async () => {
  // Outside the incoming prefix: the local S3 would run the photo checker on it.
  const objectKey = `bundled/${randomUUID()}.jpg`;
  const attachment = { objectKey, contentType: 'image/jpeg' } as Parameters<Bundled['uploadForm']>[2];
  const form = await bundled.uploadForm(await bundled.s3(), LOCAL_ATTACHMENTS_BUCKET, attachment, new Date());
  expect(form.fields).toMatchObject({ key: objectKey, 'Content-Type': 'image/jpeg' });
  const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from('bundled'), 0xff, 0xd9]);
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', new Blob([bytes], { type: 'image/jpeg' }));
  const posted = await fetch(form.url, { method: 'POST', body });
  expect(posted.status).toBeLessThan(300);
  const kept = new bundled.S3ObjectStore(LOCAL_ATTACHMENTS_BUCKET);
  expect(await kept.get(objectKey)).toBe(bytes.toString('utf8'));
  await kept.remove(objectKey);
});

it('converts Baidu coordinates and mends a bow-tie exactly as the sources do', () => {
  const bd09: [number, number] = [116.404, 39.915];
  expect(bundled.toWgs84(bd09, 'bd09')).toEqual(toWgs84(bd09, 'bd09'));
  expect(bundled.toWgs84(bd09, 'bd09')).not.toEqual(bd09);
  // A ring that crosses itself: polygon-clipping's union splits it into two triangles.
  const bowTie = [
    [
      [
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
        [0, 0],
      ],
    ],
  ] as Parameters<Bundled['makeValid']>[0];
  const mended = bundled.makeValid(bowTie);
  expect(mended).toEqual(makeValid(bowTie));
  expect(mended).toHaveLength(2);
});
