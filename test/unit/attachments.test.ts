/**
 * Evidence photos' pure rules (packages/core/src/attachments, docs/decisions/0051) and the POST
 * policy the slots hand out (functions/src/attachments/policy.ts): s3rver does not enforce a
 * policy, so what S3 will be told is asserted here, from the signed policy document itself.
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  type Attachment,
  assertRequiredPhotos,
  exifInstantMs,
  judgeUpload,
  MAX_PHOTO_BYTES,
  type PolygonGeometry,
  photoFlags,
  referenceProblems,
  sniffPhotoFormat,
  UnprocessableError,
} from '@gridpatrol/core';
import { uploadConditions, uploadForm } from '@gridpatrol/functions/attachments/policy';
import { describe, expect, it } from 'vitest';
import { baseJpeg, jpegWithExif, plainPng } from '../support/photos';

const ALLOW = { maxDistanceM: 300, maxTimeSkewMinutes: 120 };
const TZ = 'Asia/Shanghai';
const AT = '2026-12-07T02:30:00.000Z'; // 10:30 in Shanghai
/** A 0.01° square cell around (121.47, 31.23). */
const CELL: PolygonGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [121.465, 31.225],
      [121.475, 31.225],
      [121.475, 31.235],
      [121.465, 31.235],
      [121.465, 31.225],
    ],
  ],
};

/** Worker Liu's verified JPEG for a report, but for what `over` says. */
const anAttachment = (over: Partial<Attachment>): Attachment => ({
  id: `A-${'1'.repeat(32)}`,
  owner: { kind: 'report', id: 'worker-liu' },
  uploaderId: 'worker-liu',
  objectKey: `incoming/A-${'1'.repeat(32)}`,
  contentType: 'image/jpeg',
  status: 'verified',
  createdAt: AT,
  ...over,
});

describe('sniffPhotoFormat', () => {
  it('tells the four types by their magic numbers, whatever the name, and nothing else', () => {
    expect(sniffPhotoFormat(baseJpeg())).toBe('image/jpeg');
    expect(sniffPhotoFormat(jpegWithExif({ takenAt: '2026:12:07 10:30:00' }))).toBe('image/jpeg');
    expect(sniffPhotoFormat(plainPng())).toBe('image/png');
    const webp = Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1');
    expect(sniffPhotoFormat(webp)).toBe('image/webp');
    const heic = Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00', 'latin1');
    expect(sniffPhotoFormat(heic)).toBe('image/heic');
    expect(sniffPhotoFormat(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffPhotoFormat(Buffer.from('hello, this is text named photo.jpg'))).toBeUndefined();
    expect(sniffPhotoFormat(new Uint8Array(0))).toBeUndefined();
  });
});

describe('judgeUpload', () => {
  const ok = { size: 2048, declaredType: 'image/jpeg', format: 'image/jpeg', width: 16, height: 16 } as const;
  it('keeps an image of its declared type with real dimensions within the size', () => {
    expect(judgeUpload(ok)).toEqual({ status: 'verified' });
    expect(judgeUpload({ ...ok, size: MAX_PHOTO_BYTES })).toEqual({ status: 'verified' });
  });
  it('rejects empty, too large, not an image, another type, no dimensions', () => {
    expect(judgeUpload({ ...ok, size: 0 })).toEqual({ status: 'rejected', reason: 'empty' });
    expect(judgeUpload({ ...ok, size: MAX_PHOTO_BYTES + 1 })).toEqual({
      status: 'rejected',
      reason: 'too_large',
    });
    expect(judgeUpload({ ...ok, format: undefined })).toEqual({ status: 'rejected', reason: 'not_an_image' });
    expect(judgeUpload({ ...ok, format: 'image/png' })).toEqual({
      status: 'rejected',
      reason: 'type_mismatch',
    });
    expect(judgeUpload({ ...ok, width: undefined })).toEqual({ status: 'rejected', reason: 'no_dimensions' });
  });
});

describe('photoFlags', () => {
  it('reads an EXIF time with its offset, else as the city’s wall-clock time', () => {
    expect(exifInstantMs({ takenAt: '2026-12-07T10:30:00' }, TZ)).toBe(Date.parse(AT));
    expect(exifInstantMs({ takenAt: '2026-12-07T10:30:00', takenAtOffset: '+00:00' }, TZ)).toBe(
      Date.parse('2026-12-07T10:30:00Z'),
    );
    expect(exifInstantMs({ takenAt: 'yesterday' }, TZ)).toBeUndefined();
  });

  it('flags nothing for a photo in the cell, at the time of the step', () => {
    const exif = { takenAt: '2026-12-07T10:20:00', lon: 121.47, lat: 31.23 };
    expect(photoFlags(exif, { cell: CELL }, AT, ALLOW, TZ)).toEqual([]);
    expect(photoFlags(exif, { point: [121.4705, 31.2302] }, AT, ALLOW, TZ)).toEqual([]);
  });

  it('flags a position beyond the allowance from the point or outside the cell by more than it', () => {
    const twoKmNorth = { lon: 121.47, lat: 31.248 };
    expect(photoFlags(twoKmNorth, { point: [121.47, 31.23] }, AT, ALLOW, TZ)).toEqual(['far_from_place']);
    expect(photoFlags(twoKmNorth, { cell: CELL }, AT, ALLOW, TZ)).toEqual(['far_from_place']);
    // 200 m outside the cell's edge: within a 300 m allowance.
    expect(photoFlags({ lon: 121.47, lat: 31.2368 }, { cell: CELL }, AT, ALLOW, TZ)).toEqual([]);
  });

  it('flags a time beyond the skew either way, and marks a photo with neither as no_exif', () => {
    expect(photoFlags({ takenAt: '2026-12-07T07:00:00' }, { cell: CELL }, AT, ALLOW, TZ)).toEqual([
      'far_from_time',
    ]);
    expect(photoFlags({ takenAt: '2026-12-07T13:00:00' }, { cell: CELL }, AT, ALLOW, TZ)).toEqual([
      'far_from_time',
    ]);
    expect(photoFlags(undefined, { cell: CELL }, AT, ALLOW, TZ)).toEqual(['no_exif']);
    expect(photoFlags({ device: 'Huawei P60' }, { cell: CELL }, AT, ALLOW, TZ)).toEqual(['no_exif']);
  });
});

describe('referenceProblems', () => {
  const ref = {
    callerId: 'worker-liu',
    owner: { kind: 'report', id: 'worker-liu' },
    referent: { kind: 'finding', id: 'F-1' },
  } as const;
  const id = (n: number) => `A-${String(n).repeat(32)}`;

  it('passes the caller’s own pending or verified photos, also again for the same step (a retry)', () => {
    const found = new Map([
      [id(1), anAttachment({ id: id(1) })],
      [id(2), anAttachment({ id: id(2), status: 'pending' })],
      [id(3), anAttachment({ id: id(3), referencedBy: { kind: 'finding', id: 'F-1', action: 'report' } })],
    ]);
    expect(referenceProblems([id(1), id(2), id(3)], found, ref)).toEqual([]);
  });

  it('names each refused photo by its path: missing, another’s, another owner’s, rejected, used elsewhere', () => {
    const found = new Map([
      [id(2), anAttachment({ id: id(2), uploaderId: 'worker-sun' })],
      [id(3), anAttachment({ id: id(3), owner: { kind: 'finding', id: 'F-9' } })],
      [id(4), anAttachment({ id: id(4), status: 'rejected', rejectReason: 'not_an_image' })],
      [id(5), anAttachment({ id: id(5), referencedBy: { kind: 'finding', id: 'F-2', action: 'report' } })],
    ]);
    const problems = referenceProblems([id(1), id(2), id(3), id(4), id(5)], found, ref);
    expect(problems.map((p) => p.path)).toEqual([
      'body.photos[0]',
      'body.photos[1]',
      'body.photos[2]',
      'body.photos[3]',
      'body.photos[4]',
    ]);
    expect(problems[0]?.message).toBe(problems[1]?.message.replace(id(2), id(1)));
    expect(problems[2]?.message).toMatch(/finding 'F-9'/);
    expect(problems[3]?.fields).toMatchObject({ rejectReason: 'not_an_image' });
    expect(problems[4]?.message).toMatch(/another step/);
  });
});

describe('assertRequiredPhotos', () => {
  it('refuses a required step without a photo, naming the action and the setting', () => {
    expect(() => assertRequiredPhotos('resolve', 1, ['resolve'])).not.toThrow();
    expect(() => assertRequiredPhotos('verify', 0, ['resolve'])).not.toThrow();
    try {
      assertRequiredPhotos('resolve', 0, ['report', 'resolve']);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UnprocessableError);
      const e = err as UnprocessableError;
      expect(e.message).toMatch(/'resolve'.*photos\.requiredFor/);
      expect(e.details[0]).toMatchObject({
        path: 'body.photos',
        fields: { action: 'resolve', setting: 'photos.requiredFor' },
      });
    }
  });
});

describe('the upload policy', () => {
  it('limits the size to 1 byte – 10 MB, fixes the key and the declared type, and is signed', async () => {
    const client = new S3Client({
      region: 'cn-north-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const attachment = anAttachment({
      id: `A-${'a'.repeat(32)}`,
      objectKey: `incoming/A-${'a'.repeat(32)}`,
      contentType: 'image/heic',
      status: 'pending',
    });
    expect(uploadConditions(attachment)).toContainEqual(['content-length-range', 1, 10 * 1024 * 1024]);
    const form = await uploadForm(client, 'photos-bucket', attachment, new Date());
    const policy = JSON.parse(Buffer.from(form.fields.Policy as string, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, MAX_PHOTO_BYTES],
        ['eq', '$Content-Type', 'image/heic'],
        ['eq', '$key', attachment.objectKey],
        { bucket: 'photos-bucket' },
      ]),
    );
    expect(Date.parse(policy.expiration) - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 1000);
    expect(form.fields.key).toBe(attachment.objectKey);
    expect(form.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });
});
