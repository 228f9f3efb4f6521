/**
 * The API client: bearer token, JSON, Idempotency-Key on field writes, `expectedVersion` on
 * finding actions. Every failure becomes an `ApiError` whose `kind` the pages turn into words
 * (`errorText`); nobody ever sees a raw JSON error.
 */
import { ApiError, type ErrorDetail, errorKind } from './api-error';

export * from './api-error';

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
     * The person's language (Accept-Language): the API words its refusals in it. Where the app
     * words a refusal itself, it reads the details' fields, never their words.
     */
    private readonly language: () => string | undefined = () => undefined,
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

/** A new Idempotency-Key, made when the person presses the button (also where randomUUID is missing). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}
