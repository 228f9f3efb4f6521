import { BadRequestError } from '@gridpatrol/core';

/** Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/** A cursor a client changed or made up is a 400, never a query with foreign keys in it. */
export function decodeCursor(
  cursor: string | undefined,
  expectedPk: { name: string; value: string },
): Record<string, unknown> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key && typeof key === 'object' && key[expectedPk.name] === expectedPk.value) return key;
  } catch {
    // fall through
  }
  throw new BadRequestError('The cursor is not one this list handed out.', [
    { path: 'query.cursor', message: 'invalid cursor' },
  ]);
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

/**
 * Cursors of lists merged from several partitions or read by key (scoped lists): the last sort key
 * handed out, tied to the list it came from by `list` (e.g. a hash of its partitions), so a cursor
 * of another list or another caller's scope is a 400.
 */
export function encodeAfterCursor(list: string, after: string | undefined): string | undefined {
  return after === undefined
    ? undefined
    : Buffer.from(JSON.stringify({ l: list, a: after })).toString('base64url');
}

export function decodeAfterCursor(cursor: string | undefined, list: string): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { l?: unknown; a?: unknown };
    if (c && c.l === list && typeof c.a === 'string') return c.a;
  } catch {
    // fall through
  }
  throw new BadRequestError('The cursor is not one this list handed out.', [
    { path: 'query.cursor', message: 'invalid cursor' },
  ]);
}

/**
 * A page of a sorted id list held in memory (a scope's cells or zones): the ids after the cursor.
 *
 * @example pageOfIds(['a', 'b', 'c'], 'cells:scope', undefined, 2) // { ids: ['a', 'b'], cursor: '...' }
 */
export function pageOfIds(
  ids: readonly string[],
  list: string,
  cursor: string | undefined,
  limit: number,
): { ids: string[]; cursor?: string } {
  const after = decodeAfterCursor(cursor, list);
  const from = after === undefined ? 0 : ids.findIndex((id) => id > after);
  const ids_ = from < 0 ? [] : ids.slice(from, from + limit);
  const more = from >= 0 && from + limit < ids.length;
  return { ids: ids_, ...(more ? { cursor: encodeAfterCursor(list, ids_[ids_.length - 1]) } : {}) };
}
