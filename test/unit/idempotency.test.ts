/**
 * The idempotent-write protocol's decision (functions/src/idempotency.ts, decision 0047), without a
 * database: no record lets the write go ahead, the same body gets the first answer again, another
 * body under the key is refused with a 422 naming the header, and a replay is marked as one.
 */
import { message } from '@gridpatrol/core';
import { errorToResponse } from '@gridpatrol/functions/http/errors';
import {
  answerOf,
  earlierAnswer,
  REPLAYED_HEADERS,
  replyOf,
  reusedKey,
} from '@gridpatrol/functions/idempotency';
import { requestHash } from '@gridpatrol/store';
import { describe, expect, it } from 'vitest';

const body = { businessName: '老王烧烤', lon: 121.47, lat: 31.23 };
const record = { requestHash: requestHash(body), answer: 'F-1' };
const keyed = (stored: typeof record | undefined, hash: string) => ({
  hash,
  readRecord: async () => stored,
  reused: reusedKey(message('idempotency.reusedReport')),
  replay: (r: typeof record) => ({ body: r.answer, replayed: true }),
});

describe('an earlier answer under an Idempotency-Key', () => {
  it('is none without a record: the write goes ahead', async () => {
    expect(await earlierAnswer(keyed(undefined, requestHash(body)))).toBeUndefined();
  });

  it('is the first answer again for the same body, whatever the order of its fields', async () => {
    const reordered = { lat: 31.23, lon: 121.47, businessName: '老王烧烤' };
    expect(await earlierAnswer(keyed(record, requestHash(reordered)))).toEqual({
      body: 'F-1',
      replayed: true,
    });
    expect(await answerOf(record, keyed(record, requestHash(body)))).toEqual({ body: 'F-1', replayed: true });
  });

  it('refuses another body under the key: 422 naming headers.idempotency-key', async () => {
    const other = requestHash({ ...body, businessName: '老李烧烤' });
    const thrown = await earlierAnswer(keyed(record, other)).catch((err: unknown) => err);
    const { status, body: answer } = errorToResponse(thrown, 'req-1');
    expect(status).toBe(422);
    expect(answer.error.details).toEqual([
      { path: 'headers.idempotency-key', message: 'already used with another body' },
    ]);
  });
});

describe('the reply of an idempotent write', () => {
  it('marks a replay with the idempotent-replayed header, and only a replay', () => {
    expect(replyOf({ body: 'F-1', replayed: true }, 201)).toEqual({
      status: 201,
      body: 'F-1',
      headers: REPLAYED_HEADERS,
    });
    expect(replyOf({ body: 'F-1', replayed: false }, 201)).toEqual({ status: 201, body: 'F-1' });
  });

  it("keeps the earlier answer's own status over the route's, and leaves the default when there is none", () => {
    expect(replyOf({ body: 'T-1', replayed: true, status: 200 }, 201).status).toBe(200);
    expect(replyOf({ body: 'T-1', replayed: false })).toEqual({ body: 'T-1' });
  });
});
