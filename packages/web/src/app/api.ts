/**
 * The API client: bearer token, JSON, Idempotency-Key on field writes, `expectedVersion` on
 * finding actions. Every failure becomes an `ApiError` whose `kind` the pages turn into words
 * (`errorText`); nobody ever sees a raw JSON error.
 */
import type { MessageKey } from '../messages';

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
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

export interface RequestOptions {
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string | undefined,
    /**
     * The language the API words its errors in (Accept-Language). The app asks for English: it
     * words refusals itself, in the person's language, from the English details it recognises.
     */
    private readonly language: () => string | undefined = () => 'en',
  ) {}

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    const language = this.language();
    if (language) headers['accept-language'] = language;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
        cache: 'no-store',
      });
    } catch (err) {
      throw new ApiError('offline', 0, 'offline', (err as Error).message);
    }
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.ok) return json as T;
    const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
      ?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${res.status}`;
    const message = typeof error?.message === 'string' ? error.message : res.statusText;
    const details = Array.isArray(error?.details)
      ? (error.details as unknown[]).filter(
          (d): d is ErrorDetail =>
            typeof (d as ErrorDetail)?.path === 'string' && typeof (d as ErrorDetail)?.message === 'string',
        )
      : [];
    throw new ApiError(errorKind(res.status, code), res.status, code, message, details);
  }
}

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

/**
 * The words for an error. A 422's and 400's server message and details are shown (they name the
 * field and what is wrong, in the API's words); every other kind has its own sentence.
 */
export function errorText(
  err: unknown,
  t: (key: MessageKey, p?: Record<string, string | number>) => string,
): string {
  if (!(err instanceof ApiError)) return t('error.server');
  if (err.kind === 'unprocessable' || err.kind === 'bad_request') {
    const details = err.details.map((d) => `${d.path}: ${d.message}`).join('；');
    return t(KIND_MESSAGES[err.kind], { message: details ? `${err.message}（${details}）` : err.message });
  }
  return t(KIND_MESSAGES[err.kind]);
}

/** A new Idempotency-Key, made when the person presses the button (also where randomUUID is missing). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}
