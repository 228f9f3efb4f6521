/**
 * The local stand-in for the exports bucket, which the local server injects into the handlers
 * (`setObjectStore`, functions/src/exports/object-store.ts), so no Lambda bundle carries it: files
 * under a directory (the local data directory's `exports/`), each beside a small `.meta.json` with what S3 would keep as object metadata (type and
 * file name), handed out by the local server at URLs signed like presigned ones (HMAC-SHA256 of the
 * key and the expiry; a bad or expired signature is a 403). A file is written under a temporary name
 * and renamed when complete, so a half-written export is never served. As the bucket's lifecycle
 * rule does, exports of days before yesterday are deleted (here: when a new one is written).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { detail, type ErrorDetail, inEnglish, type Message, message } from '@gridpatrol/core';
import {
  type ObjectMeta,
  type ObjectSink,
  type ObjectStore,
  streamSink,
} from '@gridpatrol/functions/exports/sink';

/** The URL path under which the local server serves exports (not a route of the manifest). */
export const LOCAL_EXPORTS_PATH = '/_exports/';

/** Object keys exports use: `<yyyy-mm-dd>/<uuid>.<csv|geojson>`; nothing else is ever served. */
const KEY_PATTERN = /^(\d{4}-\d{2}-\d{2})\/[0-9a-f-]{36}\.(csv|geojson)$/;
/** Grid import bodies (functions/src/grid-import/object-key.ts): stored and read, never served. */
const IMPORT_KEY_PATTERN = /^grid-imports\/\d{6}-[0-9a-f-]{36}\.json$/;

/**
 * What S3's event notifications are in AWS: `created` with the key of each object stored by `put`.
 * The local server listens and runs the grid import job for keys under grid-imports/.
 */
export const localObjectEvents = new EventEmitter<{ created: [key: string] }>();

const signature = (secret: Uint8Array, key: string, expires: number) =>
  createHmac('sha256', secret).update(`GET\n${key}\n${expires}`).digest('base64url');

/**
 * Why a download URL is refused: a 400 for a path that does not decode (with the detail naming it),
 * a 404 for no such export, a 403 for anything else.
 */
export type DownloadCheck =
  | { ok: true; key: string }
  | { ok: false; status: 403 | 404; message: string; text: Message }
  | { ok: false; status: 400; message: string; text: Message; details: ErrorDetail[] };

/** A refusal: its words from the catalogue, and in English as logs read them. */
const refused = <S extends 400 | 403 | 404>(status: S, text: Message) =>
  ({ ok: false, status, message: inEnglish(text), text }) as const;

/** The key of a download path, or undefined when its percent-encoding is malformed or not UTF-8. */
function decodedKey(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname.slice(LOCAL_EXPORTS_PATH.length));
  } catch {
    return undefined;
  }
}

/**
 * Checks a download URL the local store signed: that its path decodes, the key's shape, the
 * signature over key and expiry, and the expiry itself. Answers every URL; never throws.
 *
 * @example checkDownload(secret, new URL(url), new Date()) // { ok: true, key: '2026-11-23/….csv' }
 */
export function checkDownload(secret: Uint8Array, url: URL, now: Date): DownloadCheck {
  // The server refuses such paths before this; this check must not rely on it (a throw is a 500).
  const key = decodedKey(url.pathname);
  if (key === undefined)
    return {
      ...refused(400, message('local.exportMalformed', { path: url.pathname })),
      details: [detail('path', message('detail.malformedPercent'))],
    };
  if (!KEY_PATTERN.test(key)) return refused(404, message('local.noExport'));
  const expires = Number(url.searchParams.get('expires'));
  const given = Buffer.from(url.searchParams.get('signature') ?? '', 'utf8');
  const wanted = Buffer.from(signature(secret, key, expires), 'utf8');
  if (!Number.isInteger(expires) || given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return refused(403, message('local.badSignature'));
  if (expires * 1000 < now.getTime()) return refused(403, message('local.linkExpired'));
  return { ok: true, key };
}

/** The stored file of a key and its metadata, or undefined when there is none. */
export async function localExport(
  dir: string,
  key: string,
): Promise<{ file: string; meta: ObjectMeta } | undefined> {
  const file = path.join(dir, key);
  try {
    const meta = JSON.parse(await readFile(`${file}.meta.json`, 'utf8')) as ObjectMeta;
    return { file, meta };
  } catch {
    return undefined;
  }
}

/** Deletes the exports of days before yesterday (UTC), like the bucket's one-day lifecycle rule. */
function sweep(dir: string, now: Date): void {
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  let days: string[];
  try {
    days = readdirSync(dir);
  } catch {
    return;
  }
  for (const day of days)
    if (/^\d{4}-\d{2}-\d{2}$/.test(day) && day < yesterday)
      rmSync(path.join(dir, day), { recursive: true, force: true });
}

export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local';
  constructor(
    readonly dir: string,
    readonly baseUrl: string,
    private readonly secret: Uint8Array,
  ) {}

  writeStream(key: string, meta: ObjectMeta): ObjectSink {
    if (!KEY_PATTERN.test(key)) throw new Error(`not an export key: ${key}`);
    sweep(this.dir, new Date());
    const file = path.join(this.dir, key);
    const partial = `${file}.part`;
    mkdirSync(path.dirname(file), { recursive: true });
    const stream = createWriteStream(partial);
    const done = finished(stream).then(() => {
      writeFileSync(`${file}.meta.json`, JSON.stringify(meta));
      renameSync(partial, file);
    });
    return streamSink(stream, done, async () => {
      rmSync(partial, { force: true });
    });
  }

  private importFile(key: string): string {
    if (!IMPORT_KEY_PATTERN.test(key)) throw new Error(`not a grid import key: ${key}`);
    return path.join(this.dir, key);
  }

  async put(key: string, body: string, _contentType: string): Promise<void> {
    const file = this.importFile(key);
    mkdirSync(path.dirname(file), { recursive: true });
    await writeFile(`${file}.part`, body, 'utf8');
    await rename(`${file}.part`, file);
    localObjectEvents.emit('created', key);
  }

  get(key: string): Promise<string> {
    return readFile(this.importFile(key), 'utf8');
  }

  async remove(key: string): Promise<void> {
    await rm(this.importFile(key), { force: true });
  }

  async presignedUrl(key: string, expiresAt: Date): Promise<string> {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const query = new URLSearchParams({
      expires: String(expires),
      signature: signature(this.secret, key, expires),
    });
    return `${this.baseUrl}${LOCAL_EXPORTS_PATH}${key}?${query}`;
  }
}
