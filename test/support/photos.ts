/**
 * Test photos (issue 14): real small images from test/fixtures/photos, and JPEGs with EXIF written
 * here by hand (an APP1 segment after SOI: IFD0 with Make, Model and the Exif and GPS pointers, the
 * Exif IFD with DateTimeOriginal and OffsetTimeOriginal, the GPS IFD with latitude and longitude as
 * degree/minute/second rationals). Little-endian TIFF, as most phones write it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'photos');

/** A 16×16 JPEG without EXIF. */
export const baseJpeg = (): Buffer => readFileSync(path.join(FIXTURES, 'base.jpg'));
/** A 16×16 PNG without EXIF. */
export const plainPng = (): Buffer => readFileSync(path.join(FIXTURES, 'no-exif.png'));

const ASCII = 2;
const LONG = 4;
const RATIONAL = 5;

interface Entry {
  readonly tag: number;
  readonly type: number;
  readonly count: number;
  /** The value's bytes; more than 4 go to the data area after the IFD. */
  readonly value: Buffer | ((offsets: Map<string, number>) => Buffer);
}

const ascii = (tag: number, text: string): Entry => {
  const value = Buffer.from(`${text}\0`, 'latin1');
  return { tag, type: ASCII, count: value.length, value };
};
const pointer = (tag: number, ifd: string): Entry => ({
  tag,
  type: LONG,
  count: 1,
  value: (offsets) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(offsets.get(ifd) as number);
    return b;
  },
});
/** Degrees as three rationals: d/1, m/1, s×1000/1000. */
const dms = (tag: number, degrees: number): Entry => {
  const abs = Math.abs(degrees);
  const d = Math.floor(abs);
  const m = Math.floor((abs - d) * 60);
  const s = Math.round(((abs - d) * 60 - m) * 60 * 1000);
  const b = Buffer.alloc(24);
  for (const [i, n] of [d, 1, m, 1, s, 1000].entries()) b.writeUInt32LE(n, i * 4);
  return { tag, type: RATIONAL, count: 3, value: b };
};

const ifdSize = (entries: readonly Entry[]) =>
  2 + entries.length * 12 + 4 + entries.reduce((n, e) => n + (valueLength(e) > 4 ? valueLength(e) : 0), 0);
const valueLength = (e: Entry) => (typeof e.value === 'function' ? 4 : e.value.length);

function writeIfd(entries: readonly Entry[], start: number, offsets: Map<string, number>): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const head = Buffer.alloc(2 + sorted.length * 12 + 4);
  head.writeUInt16LE(sorted.length, 0);
  const data: Buffer[] = [];
  let dataAt = start + head.length;
  sorted.forEach((e, i) => {
    const at = 2 + i * 12;
    const value = typeof e.value === 'function' ? e.value(offsets) : e.value;
    head.writeUInt16LE(e.tag, at);
    head.writeUInt16LE(e.type, at + 2);
    head.writeUInt32LE(e.count, at + 4);
    if (value.length <= 4) value.copy(head, at + 8);
    else {
      head.writeUInt32LE(dataAt, at + 8);
      data.push(value);
      dataAt += value.length;
    }
  });
  return Buffer.concat([head, ...data]);
}

export interface ExifInput {
  /** EXIF's own spelling: `2026:12:07 10:30:00`. */
  readonly takenAt?: string;
  readonly offset?: string;
  readonly lon?: number;
  readonly lat?: number;
  readonly make?: string;
  readonly model?: string;
}

/** The APP1 segment of this EXIF (marker included). */
export function exifSegment(exif: ExifInput): Buffer {
  const ifds: [string, Entry[]][] = [];
  const ifd0: Entry[] = [];
  if (exif.make) ifd0.push(ascii(0x010f, exif.make));
  if (exif.model) ifd0.push(ascii(0x0110, exif.model));
  const exifIfd: Entry[] = [];
  if (exif.takenAt) exifIfd.push(ascii(0x9003, exif.takenAt));
  if (exif.offset) exifIfd.push(ascii(0x9011, exif.offset));
  const gps: Entry[] = [];
  if (exif.lat !== undefined && exif.lon !== undefined) {
    gps.push(ascii(0x0001, exif.lat >= 0 ? 'N' : 'S'), dms(0x0002, exif.lat));
    gps.push(ascii(0x0003, exif.lon >= 0 ? 'E' : 'W'), dms(0x0004, exif.lon));
  }
  if (exifIfd.length > 0) ifd0.push(pointer(0x8769, 'exif'));
  if (gps.length > 0) ifd0.push(pointer(0x8825, 'gps'));
  ifds.push(['ifd0', ifd0]);
  if (exifIfd.length > 0) ifds.push(['exif', exifIfd]);
  if (gps.length > 0) ifds.push(['gps', gps]);
  const offsets = new Map<string, number>();
  let at = 8;
  for (const [name, entries] of ifds) {
    offsets.set(name, at);
    at += ifdSize(entries);
  }
  const tiffHeader = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  const tiff = Buffer.concat([
    tiffHeader,
    ...ifds.map(([name, entries]) => writeIfd(entries, offsets.get(name) as number, offsets)),
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/**
 * The base JPEG with this EXIF, right after SOI.
 *
 * @example jpegWithExif({ takenAt: '2026:12:07 10:30:00', offset: '+08:00', lon: 121.47, lat: 31.23 })
 */
export function jpegWithExif(exif: ExifInput): Buffer {
  const jpeg = baseJpeg();
  return Buffer.concat([jpeg.subarray(0, 2), exifSegment(exif), jpeg.subarray(2)]);
}

/**
 * Sends a photo with a slot's presigned POST form, as a browser's form upload does: the fields,
 * then the file. Returns the bucket's status (204 by default).
 */
export async function uploadWithForm(
  upload: { url: string; fields: Record<string, string> },
  bytes: Buffer,
  filename = 'photo.jpg',
  contentType = upload.fields['Content-Type'] ?? 'image/jpeg',
): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), filename);
  const res = await fetch(upload.url, { method: 'POST', body: form });
  await res.arrayBuffer();
  return res.status;
}
