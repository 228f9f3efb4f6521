import {
  DomainError,
  type ErrorCode,
  type ErrorDetail,
  isoDateTime,
  type LocalTime,
  type Message,
  message,
  type RenderContext,
  render,
  UnavailableError,
} from '@gridpatrol/core';
import { isDatabaseUnavailable } from '@gridpatrol/store';

/** The one table from domain error codes to HTTP statuses. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  account_deactivated: 403,
  mfa_enrolment_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  invalid_cursor: 400,
  not_verifiable: 409,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; details: DetailBody[]; requestId?: string };
}

/** A detail as answered: where, the words, and the values they speak of (never named path or message). */
export type DetailBody = { path: string; message: string } & Record<string, string | number | boolean>;

/** A machine field as answered: an instant as ISO-8601 with the city's offset. */
const fieldValue = (v: string | number | boolean | LocalTime, context: RenderContext) =>
  typeof v !== 'object' ? v : context.timeZone ? isoDateTime(v.localTime, context.timeZone) : v.localTime;

/** A detail as answered, in the reader's language: also for details read back from the store. */
export const renderDetail = (d: ErrorDetail, context: RenderContext): DetailBody => ({
  ...Object.fromEntries(Object.entries(d.fields ?? {}).map(([k, v]) => [k, fieldValue(v, context)])),
  path: d.path,
  message: detailMessage(d, context),
});

/**
 * The words of a domain error in the reader's language. An error worded only in English so far
 * reads, in another language, as its code's sentence with the English after it: never less than
 * before, and a test lists what is left (test/unit/api-messages.test.ts).
 */
function errorMessage(err: DomainError, context: RenderContext): string {
  if (err.text) return render(err.text, context);
  if (context.language === 'en') return err.message;
  return render(
    message('error.untranslated', { generic: message(`error.${err.code}`), original: err.message }),
    context,
  );
}

const detailMessage = (d: ErrorDetail, context: RenderContext): string =>
  d.text ? render(d.text, context) : d.message;

/**
 * An error body worded from the catalogue, for answers made outside the handler chain: the local
 * server's own (API Gateway's and S3's part in AWS) and its dev sign-in.
 */
export function refusalBody(
  code: string,
  text: Message,
  details: readonly ErrorDetail[],
  context: RenderContext,
): ErrorBody {
  return {
    error: {
      code,
      message: render(text, context),
      details: details.map((d) => renderDetail(d, context)),
    },
  };
}

/**
 * Turns anything thrown into a status and a body. Only domain errors (statuses below 500) expose
 * their message, in the reader's language and the city's time; anything else is an internal error whose body carries the request id only.
 */
export function errorToResponse(
  thrown: unknown,
  requestId: string,
  context: RenderContext = { language: 'en' },
): { status: number; body: ErrorBody; internal: boolean; headers: Record<string, string> } {
  // A database that cannot be reached or throttles is the client's cue to retry, not our bug.
  const err = isDatabaseUnavailable(thrown) ? new UnavailableError() : thrown;
  if (err instanceof DomainError) {
    return {
      status: STATUS_BY_CODE[err.code],
      body: {
        error: {
          code: err.code,
          message: errorMessage(err, context),
          details: err.details.map((d) => renderDetail(d, context)),
          requestId,
        },
      },
      internal: false,
      headers: err instanceof UnavailableError ? { 'retry-after': String(err.retryAfterSeconds) } : {},
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'internal',
        message: render(message('error.internal', { requestId }), context),
        details: [],
        requestId,
      },
    },
    internal: true,
    headers: {},
  };
}
