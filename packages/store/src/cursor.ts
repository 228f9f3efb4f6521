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
