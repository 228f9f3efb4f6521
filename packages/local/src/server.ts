/**
 * The local HTTP server: turns each request into an API Gateway HTTP API (payload 2.0) event,
 * invokes the very handler Lambda would run for its route, and writes the result back unchanged.
 * It keeps AWS's limits where they matter (6 MB Lambda payload, 30 s integration timeout) and, like
 * the JWT authorizer, refuses a missing or bad token before any handler runs.
 *
 * It starts and stops the local S3 with the API (s3-local.ts: the attachments and exports buckets,
 * their notifications' handlers), so an export's 303 leads to a real presigned GET, as in AWS.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import {
  type CityConfig,
  detail,
  type ErrorCode,
  type ErrorDetail,
  type Message,
  message,
  negotiateLanguage,
  type RenderContext,
} from '@gridpatrol/core';
import {
  CORS_ALLOW_HEADERS,
  HANDLER_GROUPS,
  type HandlerGroup,
  ROUTES,
  type RouteDef,
  routeKey,
} from '@gridpatrol/functions';
import { setClock } from '@gridpatrol/functions/clock';
import { CURSOR_KEY_ENV } from '@gridpatrol/functions/http/cursor-seal';
import { refusalBody } from '@gridpatrol/functions/http/errors';
import { WEB_DIST } from '@gridpatrol/web/build';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { offsetClock } from './clock-option';
import { type Claims, verifyDevToken } from './dev-auth';
import { DATA_DIR } from './paths';
import { type LocalS3, startLocalS3 } from './s3-local';
import { APP_PATH, DEV_PATH, serveDevSignIn, serveWebApp } from './web-app';

export const MAX_BODY_BYTES = 6 * 1024 * 1024;
const TIMEOUT_MS = 30_000;
/** Longer request lines are a 414 (API Gateway allows 10 KB for the request line and headers). */
export const MAX_URL_BYTES = 8 * 1024;
/** Node's own limit on the request line and headers together; beyond it, a 431 or 414 from us. */
const MAX_HEADER_BYTES = 16 * 1024;

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

interface CompiledRoute {
  route: RouteDef;
  pattern: RegExp;
  names: string[];
}

function compile(route: RouteDef): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((part) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(part);
      if (!param?.[1]) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

// Like API Gateway, a literal segment wins over a parameter: fewer parameters first.
const COMPILED = (ROUTES as readonly RouteDef[]).map(compile).sort((a, b) => a.names.length - b.names.length);

const TEXT_TYPES = /^(text\/|application\/([\w.+-]+\+)?(json|xml|javascript|x-www-form-urlencoded)\b)/i;

export interface LocalServerOptions {
  readonly config: CityConfig;
  /** Key that dev tokens are signed with. */
  readonly tokenKey: Uint8Array;
  readonly port?: number;
  readonly host?: string;
  /**
   * How long a client may take to send its request line and headers, and its whole request with the
   * body; then a JSON 408 and the connection is closed (Node's default held one for 300 s).
   * @default { headersMs: 10_000, requestMs: 30_000 }
   */
  readonly receiveTimeouts?: { readonly headersMs: number; readonly requestMs: number };
  /**
   * The built web app served at /app/ (packages/local/src/web-app.ts).
   * @default packages/web/dist
   */
  readonly webDir?: string;
  /**
   * The handlers' clock: the real time moved by this much (`npm start -- --clock`, clock-option.ts),
   * restored on close. The Lambda build has no such option (functions/src/clock.ts).
   * @default 0
   */
  readonly clockOffsetMs?: number;
  /**
   * Where the local S3 (s3rver: the attachments and exports buckets) keeps its objects.
   * @default GRIDPATROL_S3_DIR, else .data/s3
   */
  readonly s3Dir?: string;
}

export interface LocalServer {
  readonly url: string;
  /** The local S3's endpoint (path-style): where upload slots' forms post to, and links lead. */
  readonly s3Endpoint: string;
  /** The local S3's buckets, and the directory s3rver keeps them in. */
  readonly s3: { readonly dir: string; readonly buckets: LocalS3['buckets'] };
  /**
   * Resolves once every upload so far is checked and every import body stored so far is imported
   * (the buckets' notifications' stand-ins are done).
   */
  settleUploads(): Promise<void>;
  close(): Promise<void>;
}

/** The reader of a request, as the handlers' chain finds it (functions/src/http/chain.ts `readerOf`). */
const readerOf = (config: CityConfig, acceptLanguage: string | undefined): RenderContext => ({
  language: negotiateLanguage(acceptLanguage, config.language),
  timeZone: config.timeZone,
});

/** Our own refusal, in the reader's language: what API Gateway would answer in AWS. */
function sendJson(
  res: http.ServerResponse,
  reader: RenderContext,
  status: number,
  code: ErrorCode | 'internal' | 'gateway_timeout' | 'uri_too_long',
  text: Message,
  extra: Record<string, string> = {},
  details: readonly ErrorDetail[] = [],
) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-language': reader.language,
    vary: 'Origin, Accept-Language',
    ...extra,
  });
  res.end(JSON.stringify(refusalBody(code, text, details, reader)));
}

/** False when the path's percent-encoding is malformed or not UTF-8 (API Gateway answers those 400). */
function decodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

async function loadHandlers(): Promise<Record<HandlerGroup, LambdaHandler>> {
  const entries = await Promise.all(
    HANDLER_GROUPS.map(async (group) => {
      const mod = (await import(`@gridpatrol/functions/handlers/${group}`)) as { handler: LambdaHandler };
      return [group, mod.handler] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<HandlerGroup, LambdaHandler>;
}

function readBody(req: http.IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      resolve('too_large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        return; // keep draining so the 413 can be written
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function lambdaContext(group: HandlerGroup, requestId: string, deadline: number): Context {
  const name = `gridpatrol-local-${group}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function buildEvent(
  req: http.IncomingMessage,
  url: URL,
  match: CompiledRoute,
  values: string[],
  body: Buffer,
  claims: Claims | undefined,
  requestId: string,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const pathParameters = Object.fromEntries(
    match.names.map((n, i) => [n, decodeURIComponent(values[i] ?? '')]),
  );
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const now = new Date();
  const key = routeKey(match.route);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: match.names.length ? pathParameters : undefined,
    body: body.length ? body.toString(isText ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
  } as APIGatewayProxyEventV2;
}

/**
 * A JSON error written straight to a socket the HTTP parser gave up on (headers too large, URL too
 * long, too slow, malformed): no ServerResponse exists, so this is what Node would write, in JSON.
 */
function rawJsonError(
  reader: RenderContext,
  status: number,
  code: string,
  text: Message,
  details: readonly ErrorDetail[] = [],
): string {
  const body = JSON.stringify(refusalBody(code, text, details, reader));
  return [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-language: ${reader.language}`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

const urlTooLong = (line: { seen: number; length?: number } | undefined): boolean =>
  line !== undefined && (line.length ?? line.seen) > MAX_URL_BYTES;

const urlTooLongDetail = () => detail('url', message('local.uriTooLongDetail', { max: MAX_URL_BYTES }));

/**
 * What the parser's error means for the client (Node's codes). The request's headers were not
 * read (or only an earlier request of the connection was), so the answer is in the city's language
 * or in that earlier request's.
 */
function clientErrorResponse(err: NodeJS.ErrnoException, urlTooLong: boolean, reader: RenderContext): string {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return !urlTooLong
      ? rawJsonError(
          reader,
          431,
          'headers_too_large',
          message('local.headersTooLarge', { max: MAX_HEADER_BYTES }),
          [detail('headers', message('local.headersTooLargeDetail', { max: MAX_HEADER_BYTES }))],
        )
      : rawJsonError(reader, 414, 'uri_too_long', message('local.uriTooLong', { max: MAX_URL_BYTES }), [
          urlTooLongDetail(),
        ]);
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return rawJsonError(reader, 408, 'request_timeout', message('local.requestTimeout'));
  return rawJsonError(
    reader,
    400,
    'bad_request',
    message('local.malformedRequest', { reason: err.code ?? 'parse error' }),
  );
}

function writeResult(res: http.ServerResponse, result: unknown, requestId: string) {
  // API Gateway's payload 2.0 rules: a value without statusCode is a 200 JSON body.
  const structured =
    result !== null && typeof result === 'object' && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId };
  // A header set to undefined (the security-header middleware unsets Server and X-Powered-By so) is
  // absent in API Gateway's answer, not the text "undefined".
  for (const [k, v] of Object.entries(structured.headers ?? {}))
    if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.body ?? '';
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/** The secret cursors are sealed with (in AWS a Secrets Manager value): also derived from the dev-token key. */
const cursorSecret = (tokenKey: Uint8Array) =>
  createHmac('sha256', tokenKey).update('gridpatrol local cursors').digest('hex');

/**
 * Serves the route manifest on localhost.
 *
 * @example const server = await startLocalServer({ config, tokenKey, port: 3000 }); ... await server.close();
 */
export async function startLocalServer(opts: LocalServerOptions): Promise<LocalServer> {
  const handlers = await loadHandlers();
  const allowOrigins = new Set(opts.config.cors.allowOrigins);
  process.env[CURSOR_KEY_ENV] = cursorSecret(opts.tokenKey);
  // The attachments and exports buckets, the checker and the grid import job their events run
  // (docs/decisions/0051, 0056), started and stopped with the API.
  const s3Dir = path.resolve(opts.s3Dir ?? process.env.GRIDPATROL_S3_DIR ?? path.join(DATA_DIR, 's3'));
  const s3 = await startLocalS3({ dir: s3Dir });
  const webDir = opts.webDir ?? WEB_DIST;

  const timeouts = opts.receiveTimeouts ?? { headersMs: 10_000, requestMs: 30_000 };
  // How long the request line now arriving is, as far as it came: a header overflow with a request
  // line past MAX_URL_BYTES (or not yet ended) is an over-long URL (414), else too many headers (431).
  const requestLine = new WeakMap<Socket, { seen: number; length?: number }>();
  const inFlight = new WeakMap<Socket, http.ServerResponse>();
  // The reader of the connection's last request: a body that comes too slowly is refused in its words.
  const readers = new WeakMap<Socket, RenderContext>();
  const answered = new WeakSet<Socket>();
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often Node checks those timeouts (30 s by default, which would double them).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
      maxHeaderSize: MAX_HEADER_BYTES,
    },
    async (req, res) => {
      const requestId = randomUUID();
      const reader = readerOf(opts.config, req.headers['accept-language']);
      inFlight.set(req.socket, res);
      readers.set(req.socket, reader);
      // API Gateway adds CORS headers to what it answers itself (401, 404, 413…), and so do we.
      const origin = req.headers.origin;
      res.setHeader('vary', 'Origin');
      if (origin && allowOrigins.has(origin)) res.setHeader('access-control-allow-origin', origin);
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const method = req.method ?? 'GET';
        if (Buffer.byteLength(req.url ?? '') > MAX_URL_BYTES) {
          req.resume();
          return sendJson(
            res,
            reader,
            414,
            'uri_too_long',
            message('local.uriTooLong', { max: MAX_URL_BYTES }),
            {},
            [urlTooLongDetail()],
          );
        }
        // Before routing and authentication, as API Gateway does: no handler sees an undecodable path.
        if (!decodablePath(url.pathname)) {
          req.resume();
          return sendJson(
            res,
            reader,
            400,
            'bad_request',
            message('local.malformedPath', { path: url.pathname }),
            {},
            [detail('path', message('local.malformedPathDetail', { path: url.pathname }))],
          );
        }
        // Local only, outside the route manifest: the web app and its dev sign-in.
        if (url.pathname === APP_PATH || url.pathname.startsWith(`${APP_PATH}/`))
          return await serveWebApp(req, res, url, { dir: webDir, config: opts.config, reader });
        if (url.pathname.startsWith(DEV_PATH))
          return await serveDevSignIn(req, res, url, opts.tokenKey, reader);
        const candidates = COMPILED.map((c) => ({ c, m: c.pattern.exec(url.pathname) })).filter((x) => x.m);
        if (candidates.length === 0) {
          req.resume();
          return sendJson(res, reader, 404, 'not_found', message('local.noRoute', { path: url.pathname }));
        }
        if (method === 'OPTIONS') {
          req.resume();
          const cors: Record<string, string> = {};
          if (origin && allowOrigins.has(origin)) {
            cors['access-control-allow-origin'] = origin;
            cors['access-control-allow-methods'] = [...new Set(candidates.map((x) => x.c.route.method))].join(
              ',',
            );
            cors['access-control-allow-headers'] = CORS_ALLOW_HEADERS.join(',');
            cors['access-control-max-age'] = '600';
          }
          res.writeHead(204, cors);
          return res.end();
        }
        const hit = candidates.find((x) => x.c.route.method === method);
        if (!hit?.m) {
          req.resume();
          const allow = [...new Set(candidates.map((x) => x.c.route.method))].join(', ');
          return sendJson(
            res,
            reader,
            405,
            'method_not_allowed',
            message('local.methodNotAllowed', { method, path: url.pathname, allow }),
            { allow },
          );
        }
        let claims: Claims | undefined;
        if (hit.c.route.roles !== 'public') {
          claims = await verifyDevToken(opts.tokenKey, req.headers.authorization);
          if (!claims) {
            req.resume();
            return sendJson(res, reader, 401, 'unauthenticated', message('local.unauthenticated'));
          }
        }
        const body = await readBody(req);
        if (body === 'too_large') {
          return sendJson(
            res,
            reader,
            413,
            'payload_too_large',
            message('local.bodyTooLarge', { max: MAX_BODY_BYTES }),
            { connection: 'close' },
          );
        }
        const event = buildEvent(req, url, hit.c, hit.m.slice(1), body, claims, requestId);
        const group = hit.c.route.group;
        const handler = handlers[group];
        const deadline = Date.now() + TIMEOUT_MS;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((r) => {
          timer = setTimeout(() => r('timeout'), TIMEOUT_MS);
        });
        const result = await Promise.race([
          handler(event, lambdaContext(group, requestId, deadline)),
          timeout,
        ]);
        clearTimeout(timer);
        if (result === 'timeout')
          return sendJson(
            res,
            reader,
            504,
            'gateway_timeout',
            message('local.handlerTimeout', { seconds: TIMEOUT_MS / 1000 }),
          );
        writeResult(res, result, requestId);
      } catch (err) {
        // What API Gateway answers when the function itself fails.
        console.error(`[local] ${requestId} handler failed:`, err);
        if (!res.headersSent)
          sendJson(res, reader, 500, 'internal', message('local.internal', { requestId }));
        else res.end();
      }
    },
  );

  server.on('connection', (socket: Socket) => {
    requestLine.set(socket, { seen: 0 });
    // Before the HTTP parser's own listener, which may raise the overflow on this very chunk.
    socket.prependListener('data', (chunk: Buffer) => {
      const line = requestLine.get(socket);
      if (!line || line.length !== undefined) return;
      const end = chunk.indexOf(0x0a);
      if (end >= 0) line.length = line.seen + end;
      line.seen += chunk.length;
    });
  });
  server.on('request', (req: http.IncomingMessage) => requestLine.set(req.socket, { seen: 0 }));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || answered.has(socket)) return socket.destroy();
    answered.add(socket);
    const res = inFlight.get(socket);
    if (socket.writable && !res?.headersSent)
      socket.write(
        clientErrorResponse(
          err,
          urlTooLong(requestLine.get(socket)),
          readers.get(socket) ?? readerOf(opts.config, undefined),
        ),
      );
    // Read what the client still sends before closing, so that it gets the answer and not a reset.
    socket.end();
    socket.resume();
    setTimeout(() => socket.destroy(), 2_000).unref();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  }).catch(async (err: unknown) => {
    await s3.stop();
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  if (opts.clockOffsetMs) setClock(offsetClock(opts.clockOffsetMs));
  return {
    url,
    s3Endpoint: s3.endpoint,
    s3: { dir: s3Dir, buckets: s3.buckets },
    settleUploads: () => s3.settle(),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      // The database must outlive a job under way: the local S3 waits for its imports and checks.
      await s3.stop();
      if (opts.clockOffsetMs) setClock();
    },
  };
}
