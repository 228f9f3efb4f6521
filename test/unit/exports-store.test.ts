/**
 * The object store exports are written through (functions/src/exports): which one the environment
 * picks, and the stream sink's backpressure and failure handling. No network. What the bucket itself
 * does (a half-written export never served, links refused when changed or expired, old exports
 * expired) is checked against the local S3 in test/e2e/exports-api.test.ts.
 */
import { Writable } from 'node:stream';
import { objectStore } from '@gridpatrol/functions/exports/object-store';
import { S3ObjectStore } from '@gridpatrol/functions/exports/s3-store';
import { contentDisposition, streamSink } from '@gridpatrol/functions/exports/sink';
import { describe, expect, it } from 'vitest';

describe('objectStore', () => {
  it('is the bucket EXPORTS_BUCKET names (CDK in AWS, the local runtime locally), else an error', () => {
    const store = objectStore({ EXPORTS_BUCKET: 'gridpatrol-demo-exports' });
    expect(store).toBeInstanceOf(S3ObjectStore);
    expect((store as S3ObjectStore).bucket).toBe('gridpatrol-demo-exports');
    // No file-system store any more: a directory in the environment is not a store.
    expect(() => objectStore({ GRIDPATROL_EXPORTS_DIR: '/tmp/exports' })).toThrow(/EXPORTS_BUCKET/);
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
