/**
 * What a failed API request becomes: an `ApiError` whose `kind` the pages turn into words
 * (`errorText`), with the refusal's details and their fields. Apart from the client (api.ts), so
 * that the words can be checked without a browser's fetch.
 */
import type { MessageKey } from '../messages';

/**
 * A refusal's detail: where, the words (in the person's language), and the values they speak of as
 * fields (e.g. `distanceM` and `allowanceM`, `opensAt` and `closesAt`), which the pages read.
 */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export type ErrorKind =
  | 'offline'
  | 'unauthenticated'
  | 'deactivated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'bad_request'
  | 'too_large'
  | 'unavailable'
  | 'server';

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** What a status and code mean to the person. */
export function errorKind(status: number, code: string): ErrorKind {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return code === 'account_deactivated' ? 'deactivated' : 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 422) return 'unprocessable';
  if (status === 413) return 'too_large';
  if (status === 408 || status === 429 || status === 503 || status === 504) return 'unavailable';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** Kinds worth sending again later unchanged (the request never reached a decision). */
export const RETRYABLE: ReadonlySet<ErrorKind> = new Set(['offline', 'unavailable', 'server']);

const KIND_MESSAGES: Record<ErrorKind, MessageKey> = {
  offline: 'error.offline',
  unauthenticated: 'error.unauthenticated',
  deactivated: 'deactivated.title',
  forbidden: 'error.forbidden',
  not_found: 'error.notFound',
  conflict: 'error.conflict',
  unprocessable: 'error.unprocessable',
  bad_request: 'error.badRequest',
  too_large: 'error.tooLarge',
  unavailable: 'error.unavailable',
  server: 'error.server',
};

type Words = (key: MessageKey, p?: Record<string, string | number>) => string;

/** A step in the person's words: 'report', a finding action, 'complete'. */
export const stepWords = (action: string, t: Words): string =>
  action === 'report' || action === 'complete'
    ? t(`outbox.kind.${action}` as MessageKey)
    : t(`action.${action}` as MessageKey);

/**
 * A 422 for a step that needs a photo (the city's `photos.requiredFor`), naming the step in the
 * app's words from the detail's `action` field; undefined for any other error.
 */
export function requiredPhotoText(err: unknown, t: Words): string | undefined {
  if (!(err instanceof ApiError) || err.kind !== 'unprocessable') return undefined;
  const d = err.details.find((x) => x.path === 'body.photos' && typeof x.action === 'string');
  return d
    ? t('photo.required', { step: stepWords(d.action as string, t), setting: String(d.setting ?? '') })
    : undefined;
}

/**
 * A refusal's detail about one photo of a step (`body.photos[i]`) in the app's words: a photo the
 * checker rejected names its reason (the detail's `rejectReason` field); other photo refusals keep
 * the API's words after the photo's number. Undefined for a detail about anything else.
 */
export function photoDetailText(d: ErrorDetail, t: Words): string | undefined {
  const at = /^body\.photos\[(\d+)\]$/.exec(d.path);
  if (!at) return undefined;
  const n = Number(at[1]) + 1;
  if (typeof d.rejectReason === 'string')
    return t('photo.refusedByCheck', { n, reason: t(`photo.reason.${d.rejectReason}` as MessageKey) });
  return `${t('photo.label', { n })}: ${d.message}`;
}

/**
 * The words for an error. A 422's and 400's server message and details are shown (they name the
 * field and what is wrong, in the API's words); every other kind has its own sentence.
 */
export function errorText(
  err: unknown,
  t: (key: MessageKey, p?: Record<string, string | number>) => string,
): string {
  if (!(err instanceof ApiError)) return t('error.server');
  const required = requiredPhotoText(err, t);
  if (required) return required;
  if (err.kind === 'unprocessable' || err.kind === 'bad_request') {
    const details = err.details.map((d) => photoDetailText(d, t) ?? `${d.path}: ${d.message}`).join('；');
    return t(KIND_MESSAGES[err.kind], { message: details ? `${err.message}（${details}）` : err.message });
  }
  return t(KIND_MESSAGES[err.kind]);
}
