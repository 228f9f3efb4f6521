/**
 * The checker (docs/decisions/0051): after an upload lands under `incoming/`, read what arrived and
 * judge it (core `judgeUpload`): the size again (the emulator does not enforce the POST policy),
 * the magic number against the declared type, the real dimensions; then the EXIF time, GPS and
 * device of a kept photo. Triggered by the bucket's ObjectCreated notification in AWS
 * (./handler.ts); locally by s3rver's `event`, the same event shape.
 */
import {
  type Attachment,
  judgeUpload,
  MAX_PHOTO_BYTES,
  type PhotoExif,
  sniffPhotoFormat,
} from '@gridpatrol/core';
import { getAttachment, recordAttachmentCheck } from '@gridpatrol/store';
import exifr from 'exifr';
import { imageSize } from 'image-size';
import { now } from '../clock';
import { logger } from '../runtime';
import { attachmentsBucket, idOfIncomingKey, PHOTOS_PREFIX, s3, s3Sdk } from './bucket';

/** `2026:12:07 10:30:00` (EXIF's own spelling) as `2026-12-07T10:30:00`. */
const exifTime = (raw: unknown): string | undefined => {
  if (typeof raw !== 'string') return undefined;
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}:\d{2}:\d{2})/.exec(raw.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}` : undefined;
};

const finite = (n: unknown): number | undefined =>
  typeof n === 'number' && Number.isFinite(n) ? n : undefined;

/** What EXIF says of time, place and device; undefined when the photo carries none. */
export async function readExif(bytes: Uint8Array): Promise<PhotoExif | undefined> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(bytes, { tiff: true, exif: true, gps: true, reviveValues: false });
  } catch {
    return undefined; // An EXIF block that does not parse is no EXIF: flagged, not refused.
  }
  if (!tags) return undefined;
  const takenAt = exifTime(tags.DateTimeOriginal ?? tags.CreateDate ?? tags.DateTime);
  const offset = typeof tags.OffsetTimeOriginal === 'string' ? tags.OffsetTimeOriginal.trim() : undefined;
  const lat = finite(tags.latitude);
  const lon = finite(tags.longitude);
  const device = [tags.Make, tags.Model].filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  const exif: PhotoExif = {
    ...(takenAt ? { takenAt } : {}),
    ...(takenAt && offset ? { takenAtOffset: offset } : {}),
    ...(lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180
      ? { lat, lon }
      : {}),
    ...(device.length > 0 ? { device: device.join(' ').trim().slice(0, 100) } : {}),
  };
  return Object.keys(exif).length > 0 ? exif : undefined;
}

/** The real dimensions, or none when the bytes do not parse as the image they claim to be. */
function dimensionsOf(bytes: Uint8Array): { width?: number; height?: number } {
  try {
    const { width, height } = imageSize(bytes);
    return { width, height };
  } catch {
    return {};
  }
}

/**
 * Judges the upload under `key` and records the verdict on its attachment; 'ignored' for a key that
 * is no upload slot's, or whose record is gone.
 *
 * @example await checkUpload('incoming/A-0123…') // 'verified'
 */
export async function checkUpload(key: string): Promise<Attachment['status'] | 'ignored'> {
  const id = idOfIncomingKey(key);
  const attachment = id !== undefined ? await getAttachment(id) : undefined;
  if (!id || !attachment) {
    logger.warn('attachments: an object no slot issued', { key });
    return 'ignored';
  }
  // Once a step references the photo, its kept copy is what is judged: bytes uploaded again under
  // incoming/ afterwards (a slot's form can be replayed) must not change the verdict or the EXIF.
  const judged = attachment.objectKey.startsWith(PHOTOS_PREFIX) ? attachment.objectKey : key;
  const { GetObjectCommand } = await s3Sdk();
  const out = await (await s3()).send(new GetObjectCommand({ Bucket: attachmentsBucket(), Key: judged }));
  const size = out.ContentLength ?? 0;
  let bytes: Uint8Array = new Uint8Array(0);
  // A body past the limit is not read at all: its size alone rejects it.
  if (size <= MAX_PHOTO_BYTES && out.Body) bytes = await out.Body.transformToByteArray();
  else (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
  const format = size <= MAX_PHOTO_BYTES ? sniffPhotoFormat(bytes) : undefined;
  const dimensions = format ? dimensionsOf(bytes) : {};
  const verdict = judgeUpload({ size, declaredType: attachment.contentType, format, ...dimensions });
  const checkedAt = now().toISOString();
  if (verdict.status === 'rejected') {
    await recordAttachmentCheck(id, {
      status: 'rejected',
      checkedAt,
      size,
      format,
      rejectReason: verdict.reason,
    });
    return 'rejected';
  }
  const exif = await readExif(bytes);
  await recordAttachmentCheck(id, { status: 'verified', checkedAt, size, format, ...dimensions, exif });
  return 'verified';
}
