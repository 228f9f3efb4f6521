/**
 * The one middy chain every HTTP handler group uses. Cross-cutting concerns run as middleware, in
 * a fixed order; the operation itself only sees validated input and an authenticated caller:
 *
 *   logger context → security headers → Vary: Origin → CORS → error mapper → reply → route input
 *   (auth, parse, validate, open the cursor) → operation
 *
 * middy runs `before` in this order and `after`/`onError` in reverse, so the error mapper turns any
 * throw into a JSON response first and the header middlewares still decorate it.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import {
  BadRequestError,
  detail,
  FIELD_ROLES,
  ForbiddenError,
  IdempotencyKey,
  message,
  NotFoundError,
  negotiateLanguage,
  type Person,
  type RenderContext,
} from '@gridpatrol/core';
import { requestDeadline, withRequestBudget, worstAttemptMs } from '@gridpatrol/store';
import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { type HandlerGroup, type RouteDef, routeKey } from '../manifest-types';
// Types only: a function bundles its own group's routes, which its handler passes in (0060).
import type { ROUTES } from '../routes';
import { cityConfig, logger } from '../runtime';
import { CORS_ALLOW_HEADERS } from './cors';
import { type CursorBinding, openCursor, sealCursor } from './cursor-seal';
import { errorToResponse } from './errors';
import { authenticate } from './identity';
import { cameThroughEdge, ORIGIN_KEY_ENV, ORIGIN_KEY_HEADER } from './origin-key';
import { parseInput } from './parse';

type Routes = (typeof ROUTES)[number];
type Output<S> = S extends z.ZodType ? z.output<S> : never;
type Req<R> = R extends { request: infer Q } ? Q : object;

export interface OperationInput<R extends Routes> {
  params: Req<R> extends { params: infer P } ? Output<P> : Record<string, never>;
  query: Req<R> extends { query: infer Q } ? Output<Q> : Record<string, never>;
  body: Req<R> extends { body: infer B } ? Output<B> : undefined;
  /** The authenticated caller; null only on public routes. */
  caller: R['roles'] extends 'public' ? null : Person;
  /** The Idempotency-Key header, on routes marked `idempotent` (undefined when not sent). */
  idempotencyKey: string | undefined;
  requestId: string;
  event: APIGatewayProxyEventV2;
}

/**
 * A JSON answer (the default; `contentType` names a JSON type such as GeoJSON) or raw text such as
 * CSV downloads. A JSON answer's top-level `cursor` is sealed on its way out (cursor-seal.ts).
 */
export type Reply<T> =
  | { status?: number; body: T; headers?: Record<string, string>; contentType?: string }
  | {
      status?: number;
      raw: string;
      contentType: string;
      headers?: Record<string, string>;
      /**
       * An HTML page's own security headers, written over the chain's (`default-src 'none'`,
       * `require-corp`) for this answer only: the case file's CSP allows its inline style by hash
       * and its photos' origin, and its COEP lets the presigned photos load without credentials.
       */
      pageSecurityHeaders?: Record<string, string>;
    };

export type Operations<G extends HandlerGroup> = {
  [R in Extract<Routes, { group: G }> as R['operationId']]: (
    input: OperationInput<R>,
  ) => Promise<Reply<z.input<R['response']>>>;
};

type HttpRequest = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, GpContext>;
/** One step of the chain, typed like its requests. */
type HttpMiddleware = MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  GpContext
>;
interface GpContext extends Context {
  route: RouteDef;
  input: OperationInput<Routes>;
  /** The answer's own security headers, when its operation gave them (Reply.pageSecurityHeaders). */
  pageSecurityHeaders?: Record<string, string>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The Idempotency-Key of a write a device may retry. Field roles work on poor connections and their
 * app retries on its own, so they must send one (400 otherwise); office callers may.
 */
function readIdempotencyKey(event: APIGatewayProxyEventV2, caller: Person | null): string | undefined {
  const raw = event.headers?.['idempotency-key'];
  if (raw === undefined || raw === '') {
    if (caller && FIELD_ROLES.includes(caller.role))
      throw new BadRequestError(message('idempotency.required', { role: message(`role.${caller.role}`) }), [
        detail('headers.idempotency-key', message('detail.requiredForFieldRoles')),
      ]);
    return undefined;
  }
  const parsed = IdempotencyKey.safeParse(raw);
  if (!parsed.success)
    throw new BadRequestError(message('idempotency.malformed'), [
      { path: 'headers.idempotency-key', message: parsed.error.issues[0]?.message ?? 'invalid' },
    ]);
  return parsed.data;
}

function routeInput(group: HandlerGroup, routes: readonly RouteDef[]): HttpMiddleware {
  const strangers = routes.filter((r) => r.group !== group).map((r) => r.operationId);
  if (strangers.length > 0)
    throw new Error(`handler group '${group}' was given others' routes: ${strangers.join(', ')}`);
  const byKey = new Map<string, RouteDef>(routes.map((r) => [routeKey(r), r]));
  return {
    before: async (request: HttpRequest) => {
      const { event, context } = request;
      // Before anything else, on public routes too: only CloudFront may reach the API (origin-key.ts).
      if (!cameThroughEdge(event.headers, process.env[ORIGIN_KEY_ENV]))
        throw new ForbiddenError(message('auth.notThroughEdge'), [
          detail(`headers.${ORIGIN_KEY_HEADER}`, message('auth.originKeyMissing')),
        ]);
      const route = byKey.get(event.routeKey);
      if (!route) throw new NotFoundError('route', event.routeKey);
      // Authenticate before parsing, so an anonymous caller learns nothing about the schema.
      // A write reads the caller's record fresh, so a deactivation stops the very next write.
      const caller =
        route.roles === 'public' ? null : await authenticate(event, { fresh: route.method !== 'GET' });
      if (caller && route.roles !== 'public' && !route.roles.includes(caller.role)) {
        throw new ForbiddenError(
          message('forbidden.role', { role: message(`role.${caller.role}`), route: routeKey(route) }),
        );
      }
      const idempotencyKey = route.idempotent ? readIdempotencyKey(event, caller) : undefined;
      const parsed = parseInput(route, event);
      const query = parsed.query as { cursor?: unknown };
      if (typeof query.cursor === 'string' && query.cursor !== '')
        query.cursor = openCursor(query.cursor, cursorBinding(route, caller, parsed));
      context.route = route;
      context.input = {
        ...parsed,
        caller,
        idempotencyKey,
        requestId: context.awsRequestId,
        event,
      } as OperationInput<Routes>;
    },
  };
}

/** What a cursor of this request is bound to: the route, its path, the caller and the other filters. */
function cursorBinding(
  route: RouteDef,
  caller: Person | null,
  input: { params: unknown; query: unknown },
): CursorBinding {
  return {
    route: routeKey(route),
    caller: caller?.id ?? null,
    params: input.params,
    query: input.query as Record<string, unknown>,
  };
}

/** The body with its next-page cursor sealed for this request (the store's cursor never leaves). */
function withSealedCursor(body: unknown, context: GpContext): unknown {
  if (body === null || typeof body !== 'object' || !('cursor' in body)) return body;
  const { cursor } = body as { cursor?: unknown };
  if (typeof cursor !== 'string' || cursor === '') return body;
  const { route, input } = context;
  return { ...body, cursor: sealCursor(cursor, cursorBinding(route, input.caller, input)) };
}

/** Converts the operation's Reply into API Gateway's structured result. */
const replyToHttp: HttpMiddleware = {
  after: async (request: HttpRequest) => {
    const reply = request.response as unknown as Reply<unknown>;
    const requestId = request.context.awsRequestId;
    const status = reply.status ?? request.context.route.successStatus ?? 200;
    const headers = { 'x-request-id': requestId, ...reply.headers };
    if ('raw' in reply && reply.pageSecurityHeaders)
      request.context.pageSecurityHeaders = reply.pageSecurityHeaders;
    request.response =
      'raw' in reply
        ? { statusCode: status, headers: { ...headers, 'content-type': reply.contentType }, body: reply.raw }
        : {
            statusCode: status,
            headers: { ...headers, 'content-type': reply.contentType ?? JSON_TYPE },
            body: JSON.stringify(withSealedCursor(reply.body, request.context)),
          };
  },
};

/**
 * Who reads the answer: the language `Accept-Language` asks for (else the city's) and the city's
 * time zone, in which every time a person reads is written (issue 16).
 */
export function readerOf(event: Pick<APIGatewayProxyEventV2, 'headers'>): RenderContext {
  const city = cityConfig();
  return {
    language: negotiateLanguage(event.headers?.['accept-language'], city.language),
    timeZone: city.timeZone,
  };
}

/** The one place a thrown error becomes an HTTP answer; 5xx bodies never carry internals. */
const errorMapper: HttpMiddleware = {
  onError: async (request: HttpRequest) => {
    const requestId = request.context.awsRequestId;
    const reader = readerOf(request.event);
    const { status, body, internal, headers } = errorToResponse(request.error, requestId, reader);
    if (internal) logger.error('unhandled error', { error: request.error as Error });
    else if (status >= 500) logger.warn('database unavailable', { error: request.error as Error });
    else logger.info('request refused', { status, code: body.error.code });
    request.response = {
      statusCode: status,
      headers: {
        ...headers,
        'content-type': JSON_TYPE,
        'content-language': reader.language,
        'x-request-id': requestId,
      },
      body: JSON.stringify(body),
    };
  },
};

/**
 * Every answer varies by Origin: CORS reflects an allowed origin and leaves others out, so a shared
 * cache must not hand one origin's answer to another. http-cors adds Vary only with several allowed
 * origins; this runs after it and makes it one `Vary` with Origin once.
 */
async function addVaryOrigin(request: HttpRequest): Promise<void> {
  const response = request.response;
  if (!response) return;
  const headers = { ...response.headers };
  // Errors, plan explanations and exports are worded in the language the request asks for.
  const parts = new Set<string>(['Origin', 'Accept-Language']);
  for (const name of Object.keys(headers).filter((h) => h.toLowerCase() === 'vary')) {
    for (const part of String(headers[name]).split(',')) if (part.trim()) parts.add(part.trim());
    delete headers[name];
  }
  response.headers = { ...headers, Vary: [...parts].join(', ') };
}

const varyOnOrigin: HttpMiddleware = { after: addVaryOrigin, onError: addVaryOrigin };

/**
 * Puts back an answer's own security headers after http-security-headers wrote its defaults over
 * every HTML answer: used before it, so that its `after` runs after. Errors keep the defaults.
 */
const pageSecurityHeaders: HttpMiddleware = {
  after: async (request: HttpRequest) => {
    const own = request.context.pageSecurityHeaders;
    if (own && request.response?.headers) Object.assign(request.response.headers, own);
  },
};

/**
 * Builds the Lambda handler of one handler group from its routes (its file of ../routes) and their
 * operations.
 *
 * @example export const handler = httpHandler('people', PEOPLE_ROUTES, { getMe: async ({ caller }) => ({ body: caller }) });
 */
export function httpHandler<G extends HandlerGroup>(
  group: G,
  routes: readonly Extract<Routes, { group: G }>[],
  operations: NoInfer<Operations<G>>,
) {
  const input = routeInput(group, routes);
  const ops = operations as unknown as Record<
    string,
    (input: OperationInput<Routes>) => Promise<Reply<unknown>>
  >;
  const core = async (_event: APIGatewayProxyEventV2, context: GpContext) => {
    const op = ops[context.route.operationId];
    if (!op) throw new Error(`handler group '${group}' has no operation '${context.route.operationId}'`);
    return (await op(context.input)) as unknown as APIGatewayProxyStructuredResultV2;
  };
  const { cors } = cityConfig();
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, GpContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(pageSecurityHeaders)
    .use(httpSecurityHeaders())
    .use(varyOnOrigin)
    .use(httpCors({ origins: cors.allowOrigins, headers: CORS_ALLOW_HEADERS.join(',') }))
    .use(errorMapper)
    .use(replyToHttp)
    .use(input)
    .handler(core);
  // One retry budget for everything the request asks of DynamoDB, from the token check to the
  // answer: no attempt starts so late that it could outlast the function (decision 0029).
  return (event: APIGatewayProxyEventV2, context: Context) =>
    withRequestBudget(requestDeadline(context.getRemainingTimeInMillis(), worstAttemptMs()), () =>
      chain(event, context as GpContext),
    );
}
