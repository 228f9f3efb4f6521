import { InvalidCursorError, message } from '@gridpatrol/core';

/**
 * The store's own cursors: DynamoDB's LastEvaluatedKey, base64url-encoded JSON. They are internal:
 * the HTTP chain seals them before a client sees one (functions/src/http/cursor-seal.ts).
 */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? encoded(key) : undefined;
}

/** Both kinds of cursor are base64url JSON. */
const encoded = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Every bad cursor gets the same refusal: it does not say what it found. */
const notThisList = () => new InvalidCursorError(message('cursor.notThisList'));

/** The JSON object a cursor holds; anything else (not base64url JSON, not an object) is refused. */
function decodedObject(cursor: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw notThisList();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw notThisList();
  return value as Record<string, unknown>;
}

/** The key attributes of a LastEvaluatedKey: the table's, plus the index's when read from one. */
function keyAttributes(pkName: string): string[] {
  const index = /^(gsi\d+)pk$/.exec(pkName)?.[1];
  return index ? ['pk', 'sk', `${index}pk`, `${index}sk`] : ['pk', 'sk'];
}

/**
 * A cursor must decode to exactly the key of the partition being read: the expected attributes, each
 * a string (every key of the table is), the partition key equal to the one queried. The HTTP chain
 * seals cursors, so this only meets a changed one through a bug; it still never lets a key of
 * another shape reach DynamoDB (a ValidationException there would be a 500).
 */
export function decodeCursor(
  cursor: string | undefined,
  expectedPk: { name: string; value: string },
): Record<string, unknown> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const key = decodedObject(cursor);
  const expected = keyAttributes(expectedPk.name);
  const ok =
    Object.keys(key).length === expected.length &&
    expected.every((name) => typeof key[name] === 'string' && key[name] !== '') &&
    key[expectedPk.name] === expectedPk.value;
  if (!ok) throw notThisList();
  return key;
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
  return after === undefined ? undefined : encoded({ l: list, a: after });
}

export function decodeAfterCursor(cursor: string | undefined, list: string): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const { l, a, ...rest } = decodedObject(cursor);
  if (l !== list || typeof a !== 'string' || a === '' || Object.keys(rest).length > 0) throw notThisList();
  return a;
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
