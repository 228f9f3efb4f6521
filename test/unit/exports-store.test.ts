/**
 * The object store exports are written through (functions/src/exports): which one the environment
 * picks, the local stand-in's files and signed links (tampered or expired → refused), and the
 * stream sink's backpressure and failure handling. No network: the local store writes to a
 * temporary directory.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { objectStore, setObjectStore } from '@gridpatrol/functions/exports/object-store';
import { S3ObjectStore } from '@gridpatrol/functions/exports/s3-store';
import { contentDisposition, streamSink } from '@gridpatrol/functions/exports/sink';
import { checkDownload, LocalObjectStore, localExport } from '@gridpatrol/local/file-object-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SECRET = Buffer.alloc(32, 7);
const KEY = '2026-11-23/0b0e6f4e-1c4f-4f7e-9a55-4f1d1c9e2a10.csv';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('objectStore', () => {
  it('is the bucket when EXPORTS_BUCKET is set, the stand-in the local runtime injects, else an error', () => {
    expect(objectStore({ EXPORTS_BUCKET: 'gridpatrol-demo-exports' })).toBeInstanceOf(S3ObjectStore);
    // Environment variables no longer reach for a file-system store: only an injected one is used.
    expect(() =>
      objectStore({
        GRIDPATROL_EXPORTS_DIR: dir,
        GRIDPATROL_EXPORTS_URL: 'http://127.0.0.1:3000',
        GRIDPATROL_EXPORTS_KEY: SECRET.toString('hex'),
      }),
    ).toThrow(/EXPORTS_BUCKET/);
    const local = new LocalObjectStore(dir, 'http://127.0.0.1:3000', SECRET);
    setObjectStore(local);
    try {
      expect(objectStore({})).toBe(local);
      expect(objectStore({ EXPORTS_BUCKET: 'gridpatrol-demo-exports' })).toBe(local);
    } finally {
      setObjectStore();
    }
    expect(() => objectStore({})).toThrow(/EXPORTS_BUCKET/);
  });
});

describe('the local stand-in', () => {
  const store = () => new LocalObjectStore(dir, 'http://127.0.0.1:3000', SECRET);

  it('makes the file readable only once it is complete, with its type and name', async () => {
    const sink = store().writeStream(KEY, { contentType: 'text/csv; charset=utf-8', filename: '导出.csv' });
    await sink.write('\uFEFFid\r\n');
    await sink.write('张三\r\n');
    expect(await localExport(dir, KEY)).toBeUndefined();
    const { bytes } = await sink.end();
    expect(bytes).toBe(Buffer.byteLength('\uFEFFid\r\n张三\r\n'));
    const found = await localExport(dir, KEY);
    expect(found?.meta).toEqual({ contentType: 'text/csv; charset=utf-8', filename: '导出.csv' });
    expect(readFileSync(found?.file ?? '', 'utf8')).toBe('\uFEFFid\r\n张三\r\n');
  });

  it('leaves nothing behind when aborted', async () => {
    const sink = store().writeStream(KEY, { contentType: 'text/csv', filename: 'x.csv' });
    await sink.write('partial');
    await sink.abort();
    expect(readdirSync(path.join(dir, '2026-11-23'))).toEqual([]);
    expect(await localExport(dir, KEY)).toBeUndefined();
  });

  it('deletes the exports of days before yesterday when writing a new one', async () => {
    mkdirSync(path.join(dir, '2020-01-01'), { recursive: true });
    writeFileSync(path.join(dir, '2020-01-01', 'old.csv'), 'x');
    const today = new Date().toISOString().slice(0, 10);
    const sink = store().writeStream(`${today}/0b0e6f4e-1c4f-4f7e-9a55-4f1d1c9e2a10.csv`, {
      contentType: 'text/csv',
      filename: 'x.csv',
    });
    await sink.end();
    expect(existsSync(path.join(dir, '2020-01-01'))).toBe(false);
    expect(existsSync(path.join(dir, today))).toBe(true);
  });

  it('refuses keys that are not export keys', () => {
    expect(() =>
      store().writeStream('../../etc/passwd', { contentType: 'text/csv', filename: 'x' }),
    ).toThrow();
  });

  it('signs links that check out until they expire; any change is refused', async () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const url = new URL(await store().presignedUrl(KEY, new Date(now.getTime() + 15 * 60_000)));
    expect(checkDownload(SECRET, url, now)).toEqual({ ok: true, key: KEY });
    expect(checkDownload(SECRET, url, new Date(now.getTime() + 16 * 60_000))).toMatchObject({
      ok: false,
      status: 403,
      message: expect.stringMatching(/expired/),
    });
    expect(checkDownload(Buffer.alloc(32, 8), url, now)).toMatchObject({ ok: false, status: 403 });
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 60));
    expect(checkDownload(SECRET, later, now)).toMatchObject({ ok: false, status: 403 });
    const other = new URL(url);
    other.pathname = other.pathname.replace('.csv', '.geojson');
    expect(checkDownload(SECRET, other, now)).toMatchObject({ ok: false, status: 403 });
    const walk = new URL(url);
    walk.pathname = '/_exports/..%2F..%2Fsecret.csv';
    expect(checkDownload(SECRET, walk, now)).toMatchObject({ ok: false, status: 404 });
  });
});

describe('streamSink', () => {
  it('waits while the stream is full, and counts bytes', async () => {
    const chunks: string[] = [];
    let release: (() => void) | undefined;
    const slow = new Writable({
      highWaterMark: 4,
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        release = cb;
      },
    });
    let finish: () => void = () => undefined;
    const done = new Promise<void>((r) => {
      finish = r;
    });
    const sink = streamSink(slow, done, async () => undefined);
    let written = false;
    const pending = sink.write('more than four bytes').then(() => {
      written = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toBe(false);
    release?.();
    await pending;
    expect(written).toBe(true);
    slow.on('finish', finish);
    expect(await sink.end()).toEqual({ bytes: 20 });
    expect(chunks).toEqual(['more than four bytes']);
  });

  it('fails a waiting write when the consumer fails, instead of hanging', async () => {
    const stuck = new Writable({ highWaterMark: 1, write: () => undefined });
    let fail: (e: Error) => void = () => undefined;
    const done = new Promise<void>((_, reject) => {
      fail = reject;
    });
    const sink = streamSink(stuck, done, async () => undefined);
    const pending = sink.write('xx');
    fail(new Error('upload failed'));
    await expect(pending).rejects.toThrow('upload failed');
    await expect(sink.write('more')).rejects.toThrow('upload failed');
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII name and the full UTF-8 name', () => {
    expect(contentDisposition('findings_城东_2026-11-23.csv')).toBe(
      `attachment; filename="findings____2026-11-23.csv"; filename*=UTF-8''findings_%E5%9F%8E%E4%B8%9C_2026-11-23.csv`,
    );
    expect(contentDisposition('a"b.csv')).toBe(`attachment; filename="a_b.csv"; filename*=UTF-8''a%22b.csv`);
  });
});

describe('checkDownload', () => {
  it('answers a path with malformed percent-encoding with a 400 naming it, never a throw', async () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const url = new URL(
      await new LocalObjectStore(dir, 'http://127.0.0.1:3000', SECRET).presignedUrl(
        KEY,
        new Date(now.getTime() + 15 * 60_000),
      ),
    );
    for (const bad of ['/_exports/%E0%A4%A', '/_exports/2026-11-23/%', '/_exports/%C0%AF.csv']) {
      const malformed = new URL(url);
      malformed.pathname = bad;
      expect(checkDownload(SECRET, malformed, now), bad).toMatchObject({
        ok: false,
        status: 400,
        details: [{ path: 'path', message: 'malformed percent-encoding' }],
      });
    }
  });
});
