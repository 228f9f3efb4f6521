/**
 * `npm run bench -- photos [runs]`: a photo's way from slot to verified through the local server
 * and its s3rver (issue 14, docs/decisions/0051), beside a bare S3 PutObject of the same bytes to the
 * same s3rver, interleaved in one run. Medians (the machines are shared and noisy):
 * 1. upload to verified: POST /me/attachments (record + presigned POST), the form upload, and the
 *    checker run by s3rver's ObjectCreated event (GetObject, magic number, dimensions, EXIF, update);
 *    each part, and the whole.
 * 2. the bare PutObject, and the whole's ratio to it.
 * 3. the checker's EXIF read alone (exifr), in process.
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { attachmentsBucket, s3 } from '@gridpatrol/functions/attachments/bucket';
import { readExif } from '@gridpatrol/functions/attachments/check';
import { startTestApi } from '../test/support/local-api';
import { jpegWithExif, uploadWithForm } from '../test/support/photos';
import { fmt, summarize } from './stats';

const RUNS = 30;

export async function run(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? RUNS);
  const api = await startTestApi('demo');
  try {
    const photo = jpegWithExif({
      takenAt: '2026:12:07 10:30:00',
      offset: '+08:00',
      lon: 120.15,
      lat: 30.28,
      make: 'Huawei',
      model: 'P60',
    });
    const slotMs: number[] = [];
    const uploadMs: number[] = [];
    const checkMs: number[] = [];
    const wholeMs: number[] = [];
    const putMs: number[] = [];
    const exifMs: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const warm = i < 2;
      // 1. slot → upload → verified.
      const t0 = performance.now();
      const slot = await api.call('POST', '/me/attachments', {
        as: 'worker-liu',
        body: { contentType: 'image/jpeg' },
        headers: { 'idempotency-key': randomUUID() },
      });
      const t1 = performance.now();
      const status = await uploadWithForm(slot.body.upload, photo);
      const t2 = performance.now();
      await api.settleUploads();
      const t3 = performance.now();
      if (slot.status !== 201 || status !== 204) throw new Error(`slot ${slot.status}, upload ${status}`);
      // 2. the bare PutObject, same bytes, same server.
      const p0 = performance.now();
      await (await s3()).send(
        new PutObjectCommand({
          Bucket: attachmentsBucket(),
          Key: `bench/${randomUUID()}`,
          Body: photo,
          ContentType: 'image/jpeg',
        }),
      );
      const p1 = performance.now();
      // 3. EXIF alone.
      const e0 = performance.now();
      await readExif(photo);
      const e1 = performance.now();
      if (warm) continue;
      slotMs.push(t1 - t0);
      uploadMs.push(t2 - t1);
      checkMs.push(t3 - t2);
      wholeMs.push(t3 - t0);
      putMs.push(p1 - p0);
      exifMs.push(e1 - e0);
    }
    const whole = summarize(wholeMs);
    const put = summarize(putMs);
    console.log(`photos: ${runs} rounds, a ${photo.length} B JPEG with EXIF, medians`);
    console.log(`  slot (POST /me/attachments)      ${fmt(summarize(slotMs), 'ms')}`);
    console.log(`  upload (presigned POST)          ${fmt(summarize(uploadMs), 'ms')}`);
    console.log(`  check (event → verified)         ${fmt(summarize(checkMs), 'ms')}`);
    console.log(`  upload to verified, whole        ${fmt(whole, 'ms')}`);
    console.log(`  bare S3 PutObject                ${fmt(put, 'ms')}`);
    console.log(`  ratio whole / PutObject          ${(whole.median / put.median).toFixed(1)}×`);
    console.log(`  EXIF read alone (exifr)          ${fmt(summarize(exifMs), 'ms', 2)}`);
  } finally {
    await api.close();
  }
}
