/**
 * The idempotent-write protocol (docs/decisions/0047), as every writer a device may retry follows
 * it: the key's record is written in the change's own transaction (the store's
 * `keyRecordPut`); when a request under a key finds a record, the same body gets the first answer
 * again and writes nothing, and another body is refused, since the key names one submission.
 * Findings, task steps and grid imports differ only in when they look (before the write, or only
 * once it found the work done) and in what the record answers.
 */
import { detail, type ErrorText, message, UnprocessableError } from '@gridpatrol/core';

/** The header that tells a client this answer is an earlier one, given again. */
export const REPLAYED_HEADERS = { 'idempotent-replayed': 'true' } as const;

/** What every key's record holds, whatever else it keeps: the hash of the body it came with. */
export interface KeyRecord {
  readonly requestHash: string;
}

/** One request made under an Idempotency-Key. */
export interface KeyedRequest<R extends KeyRecord, A> {
  /** The request's hash (store `requestHash`), compared with the record's. */
  readonly hash: string;
  /** Reads the key's record (strongly consistent, so a twin racing the first request sees it). */
  readonly readRecord: () => Promise<R | undefined>;
  /** The refusal of the key under another body. */
  readonly reused: () => Error;
  /** The earlier answer, from the record. */
  readonly replay: (record: R) => A | Promise<A>;
}

/**
 * The answer an earlier request under this key got, when there was one (undefined: go ahead and
 * write); throws the request's `reused` refusal when the key came with another body.
 *
 * @example const replay = await earlierAnswer(keyed); if (replay) return replay;
 */
export async function earlierAnswer<R extends KeyRecord, A>(req: KeyedRequest<R, A>): Promise<A | undefined> {
  const record = await req.readRecord();
  return record ? answerOf(record, req) : undefined;
}

/** The answer a record gives this request: the first answer again, or the `reused` refusal. */
export async function answerOf<R extends KeyRecord, A>(record: R, req: KeyedRequest<R, A>): Promise<A> {
  if (record.requestHash !== req.hash) throw req.reused();
  return req.replay(record);
}

/**
 * The usual refusal of a reused key: a 422 naming the header.
 *
 * @example reusedKey(message('idempotency.reusedRequest'))
 */
export const reusedKey = (text: ErrorText) => (): Error =>
  new UnprocessableError(text, [detail('headers.idempotency-key', message('detail.keyReused'))]);

/** What an idempotent write answers: the body, and whether it is an earlier answer given again. */
export interface Written<T> {
  readonly body: T;
  readonly replayed: boolean;
  /** The status the earlier answer had, when the record keeps it (task steps). */
  readonly status?: number;
}

/**
 * The HTTP reply of an idempotent write: a replay carries the `idempotent-replayed` header.
 *
 * @example return replyOf(await reportFinding(caller, body, key), 201)
 */
export function replyOf<T>(
  written: Written<T>,
  status?: number,
): { status?: number; body: T; headers?: Record<string, string> } {
  const answered = written.status ?? status;
  return {
    ...(answered !== undefined ? { status: answered } : {}),
    body: written.body,
    ...(written.replayed ? { headers: { ...REPLAYED_HEADERS } } : {}),
  };
}
