/**
 * The rules of evidence photos, pure: what the bytes are, whether an upload is kept, how a photo's
 * EXIF is weighed against the place and time of the step it documents, which references are
 * refused, and which steps need a photo (docs/decisions/0051).
 */
import { detail, type ErrorDetail, UnprocessableError } from '../errors';
import { haversineM } from '../geo/measure';
import type { PolygonGeometry } from '../geo/types';
import { message } from '../messages';
import { localToUtc } from '../planning/records';
import { distanceToCellM } from '../planning/tasks';
import {
  type Attachment,
  type AttachmentOwner,
  MAX_PHOTO_BYTES,
  type PhotoExif,
  type PhotoFlag,
  type PhotoRejectReason,
  type PhotoType,
} from './schema';

const startsWith = (bytes: Uint8Array, at: number, expected: readonly number[]) =>
  expected.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, to));

/** HEIF brands of still images (HEIC and its sequences, and the generic mif1/msf1). */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/**
 * The image type the bytes' magic number says, whatever the upload claimed; undefined when they
 * are none of the four (a text file named .jpg).
 *
 * @example sniffPhotoFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])) // 'image/jpeg'
 */
export function sniffPhotoFormat(bytes: Uint8Array): PhotoType | undefined {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
    return 'image/webp';
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(bytes, 8, 12)))
    return 'image/heic';
  return undefined;
}

/** What the checker measured of an upload. */
export interface UploadFacts {
  readonly size: number;
  readonly declaredType: PhotoType;
  readonly format: PhotoType | undefined;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}

/**
 * Whether an upload is kept: it must be non-empty, at most MAX_PHOTO_BYTES (the emulator does not
 * enforce the policy, and a leaked policy must not be trusted either), an image by its magic number,
 * of the type it was declared as, with real dimensions.
 *
 * @example judgeUpload({ size: 2048, declaredType: 'image/png', format: 'image/png', width: 4, height: 4 })
 *   // { status: 'verified' }
 */
export function judgeUpload(
  facts: UploadFacts,
): { status: 'verified' } | { status: 'rejected'; reason: PhotoRejectReason } {
  const rejected = (reason: PhotoRejectReason) => ({ status: 'rejected' as const, reason });
  if (facts.size === 0) return rejected('empty');
  if (facts.size > MAX_PHOTO_BYTES) return rejected('too_large');
  if (facts.format === undefined) return rejected('not_an_image');
  if (facts.format !== facts.declaredType) return rejected('type_mismatch');
  if (!facts.width || !facts.height) return rejected('no_dimensions');
  return { status: 'verified' };
}

/**
 * The instant of an EXIF time: with the camera's offset when it wrote one, else as wall-clock time
 * in the city's time zone (a phone's clock is set to local time). Undefined when unreadable.
 *
 * @example exifInstantMs({ takenAt: '2026-12-07T10:30:00' }, 'Asia/Shanghai') // Date.UTC(2026, 11, 7, 2, 30)
 */
export function exifInstantMs(exif: PhotoExif, timeZone: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):(\d{2})$/.exec(exif.takenAt ?? '');
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  if (exif.takenAtOffset !== undefined && /^[+-]\d{2}:\d{2}$/.test(exif.takenAtOffset)) {
    const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}${exif.takenAtOffset}`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const ms = localToUtc(m[1], m[2], timeZone) + Number(m[3]) * 1000;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Where the step a photo documents happened: a finding's point, or a task's cell. */
export type PhotoPlace = { readonly point: readonly [number, number] } | { readonly cell: PolygonGeometry };

/** The city's allowances (city config `photos`). */
export interface PhotoAllowances {
  readonly maxDistanceM: number;
  readonly maxTimeSkewMinutes: number;
}

/**
 * A photo's flags against the place and time of the step that referenced it. Without any EXIF
 * position or time it is `no_exif`; what EXIF lacks is not flagged (phones strip GPS alone).
 *
 * @example photoFlags({ lon: 121.5, lat: 31.2 }, { point: [121.5, 31.22] }, '2026-12-07T02:00:00Z', allowances, 'Asia/Shanghai')
 *   // ['far_from_place'] (2.2 km away, allowance 300 m)
 */
export function photoFlags(
  exif: PhotoExif | undefined,
  place: PhotoPlace,
  actionAt: string,
  allowances: PhotoAllowances,
  timeZone: string,
): PhotoFlag[] {
  const flags: PhotoFlag[] = [];
  const hasPosition = exif?.lon !== undefined && exif.lat !== undefined;
  const takenMs = exif ? exifInstantMs(exif, timeZone) : undefined;
  if (!hasPosition && takenMs === undefined) return ['no_exif'];
  if (hasPosition) {
    const lon = exif?.lon as number;
    const lat = exif?.lat as number;
    const distance =
      'point' in place
        ? haversineM(lon, lat, place.point[0], place.point[1])
        : distanceToCellM(lon, lat, place.cell);
    if (distance > allowances.maxDistanceM) flags.push('far_from_place');
  }
  if (
    takenMs !== undefined &&
    Math.abs(takenMs - Date.parse(actionAt)) > allowances.maxTimeSkewMinutes * 60_000
  )
    flags.push('far_from_time');
  return flags;
}

/**
 * Why each named photo may not be referenced by this step, as details naming `path[i]`: not the
 * caller's upload (or no such attachment: the same answer, so ids are not probed), issued for
 * another report, finding or task, rejected by the checker, or already referenced by another step.
 * Whether the bytes arrived is the caller's to ask the bucket (the store knows no bytes).
 *
 * @example referenceProblems(['A-…'], found, { callerId: 'worker-liu', owner: { kind: 'report', id: 'worker-liu' } })
 */
export function referenceProblems(
  ids: readonly string[],
  found: ReadonlyMap<string, Attachment>,
  ref: {
    readonly callerId: string;
    readonly owner: AttachmentOwner;
    readonly referent: { readonly kind: 'finding' | 'task'; readonly id: string };
  },
  path = 'body.photos',
): ErrorDetail[] {
  return ids.flatMap((id, i): ErrorDetail[] => {
    const at = `${path}[${i}]`;
    const a = found.get(id);
    if (!a || a.uploaderId !== ref.callerId)
      return [detail(at, message('photo.notYours', { id }), { attachmentId: id })];
    if (a.owner.kind !== ref.owner.kind || a.owner.id !== ref.owner.id)
      return [
        detail(at, message('photo.otherOwner', { id, kind: a.owner.kind, owner: a.owner.id }), {
          attachmentId: id,
        }),
      ];
    if (a.status === 'rejected')
      return [
        detail(at, message('photo.rejected', { id, reason: a.rejectReason ?? 'not_an_image' }), {
          attachmentId: id,
          rejectReason: a.rejectReason ?? 'not_an_image',
        }),
      ];
    if (
      a.referencedBy &&
      (a.referencedBy.kind !== ref.referent.kind || a.referencedBy.id !== ref.referent.id)
    )
      return [detail(at, message('photo.alreadyUsed', { id }), { attachmentId: id })];
    return [];
  });
}

/** Throws the 422 of refused references, naming each photo. */
export function assertReferences(problems: readonly ErrorDetail[]): void {
  if (problems.length > 0)
    throw new UnprocessableError(message('photo.refused', { count: problems.length }), problems);
}

/**
 * Refuses a step the city's practice wants photographed (city config `photos.requiredFor`) when it
 * names none: 422 naming the action and the setting. A photo counts while pending or verified;
 * references to rejected ones are refused before this.
 *
 * @example assertRequiredPhotos('resolve', 0, ['report', 'resolve']) // throws, naming body.photos
 */
export function assertRequiredPhotos(
  action: string,
  photoCount: number,
  requiredFor: readonly string[],
): void {
  if (photoCount > 0 || !requiredFor.includes(action)) return;
  throw new UnprocessableError(message('photo.required', { action, setting: 'photos.requiredFor' }), [
    detail('body.photos', message('photo.requiredDetail', { action, setting: 'photos.requiredFor' }), {
      action,
      setting: 'photos.requiredFor',
    }),
  ]);
}
