import { inEnglish, isMessageKey, type LocalTime, type Message, message } from './messages';

/** `message` under another name, where a parameter called `message` hides it. */
const messageOf = message;

/**
 * Domain errors. They know nothing of HTTP: functions/src/http/errors.ts maps each `code` to a status
 * in one table. `details` point at what is wrong and where (a JSON path, a feature index, a ring).
 *
 * @example
 *   throw new NotFoundError('cell', 'C-0042'); // -> 404 {"error":{"code":"not_found",...}}
 */
export interface ErrorDetail {
  /** Where the problem is, e.g. "body.features[3].geometry.coordinates[0][5]" or "query.lon". */
  readonly path: string;
  readonly message: string;
  /** The catalogue entry of `message`, for readers of other languages (see `detail`). */
  readonly text?: Message;
  /**
   * The values the words speak of, for programs (a distance, a window's bounds, a feature's index):
   * the same in every language, so that no client parses `message`. The API answers them beside
   * `path` and `message` (docs/decisions/0048).
   */
  readonly fields?: DetailFields;
}

/**
 * A detail's machine values: names in camelCase, numbers as numbers, instants as `localTime(iso)`,
 * which the API answers as ISO-8601 with the city's offset (`2026-12-07T07:45:00+08:00`).
 */
export type DetailFields = Readonly<Record<string, string | number | boolean | LocalTime>>;

/**
 * A detail worded from the catalogue: `message` in English (logs, stored reports), `text` for the
 * reader's language. `text` is not enumerable, so a detail stored or logged carries no more than
 * path and message.
 *
 * @example detail('body.deadline', message('finding.deadlinePast'))
 * @example detail('body', message('task.tooFarDetail', { distance: 130, allowed: 100 }), { distanceM: 130, allowanceM: 100 })
 */
export function detail(path: string, text: Message, fields?: DetailFields): ErrorDetail {
  const out = { path, message: inEnglish(text), ...(fields ? { fields } : {}) };
  Object.defineProperty(out, 'text', { value: text, enumerable: false });
  return out;
}

/** A thrown error's words: a catalogue entry, or English text not yet in the catalogue. */
export type ErrorText = string | Message;

export type ErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'account_deactivated'
  | 'mfa_enrolment_required'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'invalid_cursor'
  | 'not_verifiable'
  | 'unavailable';

export class DomainError extends Error {
  /** The catalogue entry of the message; undefined while a throw site is worded in English only. */
  readonly text: Message | undefined;
  constructor(
    readonly code: ErrorCode,
    text: ErrorText,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(typeof text === 'string' ? text : inEnglish(text));
    this.text = typeof text === 'string' ? undefined : text;
    this.name = new.target.name;
  }
}

/** The request itself is malformed: bad JSON, wrong types, missing fields. */
export class BadRequestError extends DomainError {
  constructor(message: ErrorText, details: readonly ErrorDetail[] = []) {
    super('bad_request', message, details);
  }
}

/** Well-formed but refused by a rule: illegal transition, server-owned field set by a client. */
export class UnprocessableError extends DomainError {
  constructor(message: ErrorText, details: readonly ErrorDetail[] = []) {
    super('unprocessable', message, details);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(text: ErrorText = message('error.unauthenticated')) {
    super('unauthenticated', text);
  }
}

export class ForbiddenError extends DomainError {
  constructor(
    message: ErrorText = messageOf('error.forbidden'),
    details: readonly ErrorDetail[] = [],
    code: 'forbidden' | 'account_deactivated' | 'mfa_enrolment_required' = 'forbidden',
  ) {
    super(code, message, details);
  }
}

/**
 * The caller's own account is deactivated: a 403 with its own code, so that a client can tell the
 * person so (the web app shows a page of its own) rather than "you may not do this".
 */
export class AccountDeactivatedError extends ForbiddenError {
  constructor(personId: string) {
    super(messageOf('account.deactivated', { id: personId }), [], 'account_deactivated');
  }
}

/**
 * The caller holds a role that must sign in with MFA (MFA_REQUIRED_ROLES) and their token lacks the
 * mark of an enrolled authenticator app, MFA_CLAIM (docs/decisions/0040). A 403 with its own code, so
 * that the app sends the person to enrolment rather than saying "you may not do this".
 */
export class MfaEnrolmentRequiredError extends ForbiddenError {
  constructor() {
    super(
      messageOf('auth.mfaEnrol'),
      [detail('token.mfa', messageOf('auth.mfaNotEnrolled'))],
      'mfa_enrolment_required',
    );
  }
}

/** The word for an entity named in English ('cell', 'grid version'): the catalogue's when it has one. */
function entityWord(entity: string): Message | string {
  const key = `entity.${entity}`;
  return isMessageKey(key) ? message(key) : entity;
}

/** Also used for objects outside the caller's scope, so that their existence does not leak. */
export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super('not_found', message('notFound.entity', { entity: entityWord(entity), id }));
  }
}

export class ConflictError extends DomainError {
  constructor(message: ErrorText, details: readonly ErrorDetail[] = []) {
    super('conflict', message, details);
  }
}

/**
 * An object that lacks what a verification needs: a plan drafted before plans kept the snapshot of
 * their input and the hash of their draw (docs/decisions/0046). A state of the object, never to
 * change, so a 409 with its own code, as a superseded plan's publication is a 409.
 */
export class NotVerifiableError extends DomainError {
  constructor(text: ErrorText, details: readonly ErrorDetail[] = []) {
    super('not_verifiable', text, details);
  }
}

/**
 * A pagination cursor this list did not hand out to this caller for this query: changed, made up,
 * cut short, or replayed on another route, by another person or with other filters.
 */
export class InvalidCursorError extends DomainError {
  constructor(reason: Message = message('cursor.notThisQuery')) {
    super('invalid_cursor', message('error.invalid_cursor'), [detail('query.cursor', reason)]);
  }
}

/**
 * The database cannot serve the request now (unreachable, timed out, throttled past retries): the
 * request did nothing it would not redo, and the client should retry after `retryAfterSeconds`.
 */
export class UnavailableError extends DomainError {
  constructor(readonly retryAfterSeconds = 5) {
    super('unavailable', message('unavailable.retryIn', { seconds: retryAfterSeconds }));
  }
}
