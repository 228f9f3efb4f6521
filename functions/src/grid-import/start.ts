/**
 * Starting an API grid import (docs/decisions/0021-async-grid-imports.md): a new version is begun
 * as `writing`, the body is stored where the import job reads it, and the client gets the version to
 * poll. Under an Idempotency-Key a retry is answered with the version its first request began.
 */
import { randomUUID } from 'node:crypto';
import { detail, message, NotFoundError, UnprocessableError } from '@gridpatrol/core';
import {
  beginGridImport,
  type GridImportKeyRecord,
  type GridVersionMeta,
  getGridImportKey,
  getGridVersion,
  requestHash,
} from '@gridpatrol/store';
import { now } from '../clock';
import { objectStore } from '../exports/object-store';
import { answerOf, earlierAnswer, type KeyedRequest } from '../idempotency';
import { importObjectKey } from './object-key';

export interface StartedImport {
  readonly meta: GridVersionMeta;
  /** True when this answers a retry of an import already begun under the same key. */
  readonly replayed: boolean;
}

/**
 * An import under a key: a retry (the same request) gets the version its first request began, as
 * it is now; another body is refused, since the key names one import.
 */
const keyedImport = (
  createdBy: string,
  key: string,
  hash: string,
): KeyedRequest<GridImportKeyRecord, StartedImport> => ({
  hash,
  readRecord: () => getGridImportKey(createdBy, key),
  reused: () =>
    new UnprocessableError(message('grid.keyReused'), [
      detail('headers.idempotency-key', message('detail.keyReused')),
    ]),
  replay: async (record) => {
    const meta = await getGridVersion(record.version);
    if (!meta) throw new NotFoundError('grid version', String(record.version));
    return { meta, replayed: true };
  },
});

/**
 * Begins an import of `body` (cells and zones, shape already checked) for `createdBy`.
 *
 * @example const { meta } = await startGridImport('admin', { strict: false, coordSys: 'wgs84' }, body, key);
 */
export async function startGridImport(
  createdBy: string,
  query: Record<string, unknown>,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<StartedImport> {
  const idempotency =
    idempotencyKey === undefined
      ? undefined
      : { key: idempotencyKey, requestHash: requestHash({ query, body }) };
  const keyed = idempotency && keyedImport(createdBy, idempotency.key, idempotency.requestHash);
  if (keyed) {
    const prior = await earlierAnswer(keyed);
    if (prior) return prior;
  }
  const nonce = randomUUID();
  const text = JSON.stringify(body);
  const started = await beginGridImport({
    now: now(),
    createdBy,
    inputOf: (version) => ({
      key: importObjectKey(version, nonce),
      bytes: Buffer.byteLength(text),
      ...query,
    }),
    ...(idempotency ? { idempotency } : {}),
  });
  // Only a request with a key can lose a race for it.
  if ('replay' in started) return answerOf(started.replay, keyed as NonNullable<typeof keyed>);
  await objectStore().put(started.meta.input?.key as string, text, 'application/json');
  return { meta: started.meta, replayed: false };
}
