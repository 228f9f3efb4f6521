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
}

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
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request itself is malformed: bad JSON, wrong types, missing fields. */
export class BadRequestError extends DomainError {
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super('bad_request', message, details);
  }
}

/** Well-formed but refused by a rule: illegal transition, server-owned field set by a client. */
export class UnprocessableError extends DomainError {
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super('unprocessable', message, details);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'A valid bearer token is required.') {
    super('unauthenticated', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(
    message = 'You may not do this.',
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
    super(`The account '${personId}' is deactivated.`, [], 'account_deactivated');
  }
}

/**
 * The caller holds a role that must sign in with MFA (MFA_REQUIRED_ROLES) and has not enrolled an
 * authenticator app: their token carries MFA_ENROLMENT_CLAIM (docs/decisions/0040). A 403 with its
 * own code, so that the app sends the person to enrolment rather than saying "you may not do this".
 */
export class MfaEnrolmentRequiredError extends ForbiddenError {
  constructor() {
    super(
      'Your role requires sign-in with an authenticator app: enrol one, then sign in again.',
      [
        {
          path: 'token.mfa_enrolment_required',
          message: 'no authenticator app is enrolled for this account',
        },
      ],
      'mfa_enrolment_required',
    );
  }
}

/** Also used for objects outside the caller's scope, so that their existence does not leak. */
export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super('not_found', `No ${entity} '${id}'.`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super('conflict', message, details);
  }
}

/**
 * A pagination cursor this list did not hand out to this caller for this query: changed, made up,
 * cut short, or replayed on another route, by another person or with other filters.
 */
export class InvalidCursorError extends DomainError {
  constructor(reason = 'not a cursor this list handed out for this query') {
    super('invalid_cursor', 'The cursor is not one this list handed out; start again without it.', [
      { path: 'query.cursor', message: reason },
    ]);
  }
}

/**
 * The database cannot serve the request now (unreachable, timed out, throttled past retries): the
 * request did nothing it would not redo, and the client should retry after `retryAfterSeconds`.
 */
export class UnavailableError extends DomainError {
  constructor(readonly retryAfterSeconds = 5) {
    super(
      'unavailable',
      `The database is unavailable or overloaded right now. Retry in ${retryAfterSeconds} seconds.`,
    );
  }
}
