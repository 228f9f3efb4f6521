/**
 * Sealed pagination cursors: the one place the store's internal cursors (table keys, list positions)
 * become the opaque strings clients see, and back. AES-256-GCM hides the key schema and
 * authenticates the cursor together with what it is bound to (the route, its path parameters, the
 * caller and the other query parameters), so a changed, made-up, cut-short or replayed cursor fails
 * to open and is a 400 `invalid_cursor`. Why a cipher and where the key comes from:
 * docs/decisions/0017-sealed-cursors.md.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { InvalidCursorError, message } from '@gridpatrol/core';

/** The secret the key is derived from: a Secrets Manager value in AWS, the local runtime's otherwise. */
export const CURSOR_KEY_ENV = 'GRIDPATROL_CURSOR_KEY';

const IV_BYTES = 12;
const TAG_BYTES = 16;

let derived: { secret: string; key: Buffer } | undefined;

function cursorKey(): Buffer {
  const secret = process.env[CURSOR_KEY_ENV];
  if (!secret) throw new Error(`${CURSOR_KEY_ENV} is not set`);
  if (derived?.secret !== secret)
    derived = { secret, key: createHash('sha256').update('gridpatrol cursor key\0').update(secret).digest() };
  return derived.key;
}

/** What a cursor is bound to; the same request with another page position gives the same binding. */
export interface CursorBinding {
  readonly route: string;
  /** The caller's person id (null on public routes). */
  readonly caller: string | null;
  readonly params: unknown;
  /** The validated query without `cursor` and `limit` (a client may change the page size). */
  readonly query: Record<string, unknown>;
}

/** JSON with object keys sorted, so that equal bindings give equal bytes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function bindingBytes(b: CursorBinding): Buffer {
  const { cursor: _cursor, limit: _limit, ...query } = b.query;
  return Buffer.from(canonical(['gridpatrol cursor v1', b.route, b.caller, b.params ?? {}, query]));
}

/**
 * @example sealCursor('eyJwayI6…', { route: 'GET /people', caller: 'sup-east', params: {}, query: {} })
 */
export function sealCursor(inner: string, binding: CursorBinding): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cursorKey(), iv);
  cipher.setAAD(bindingBytes(binding));
  const sealed = Buffer.concat([cipher.update(inner, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The inner cursor, or InvalidCursorError for anything this binding did not seal. */
export function openCursor(cursor: string, binding: CursorBinding): string {
  const bytes = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
  if (bytes.length <= IV_BYTES + TAG_BYTES) throw new InvalidCursorError(message('cursor.notThisApi'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', cursorKey(), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(bindingBytes(binding));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const inner = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return inner.toString('utf8');
  } catch {
    throw new InvalidCursorError(message('cursor.tampered'));
  }
}
