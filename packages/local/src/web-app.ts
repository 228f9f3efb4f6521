/**
 * What the local server adds for the web app, outside the route manifest (so none of it exists in
 * the Lambda bundles or the AWS stack):
 *
 * - `/app/…`: the built app (packages/web/dist) with its content types and cache headers, the
 *   runtime config at `/app/config.json`, and index.html for any other path under /app/ that names
 *   no file (client-side routes). Nothing outside the folder is reachable.
 * - `/_dev/people` and `/_dev/token`: local sign-in. The seeded people, and a dev token for one of
 *   them; the same tokens `npm start` prints, so this exposes nothing the banner does not.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  type CityConfig,
  detail,
  type ErrorDetail,
  type Message,
  message,
  type RenderContext,
} from '@gridpatrol/core';
import { refusalBody } from '@gridpatrol/functions/http/errors';
import { getCityRecord, getPerson } from '@gridpatrol/store';
import { appConfig } from '@gridpatrol/web/runtime-config';
import { issueDevToken } from './dev-auth';

export const APP_PATH = '/app';
export const DEV_PATH = '/_dev/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** Built file names carry their content hash (app-3F2A….js): such a name never changes meaning. */
const HASHED = /-[A-Z0-9]{8,}\.(js|css)$/;

function sendError(
  res: http.ServerResponse,
  reader: RenderContext,
  status: number,
  code: string,
  text: Message,
  details: ErrorDetail[] = [],
) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-language': reader.language,
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(refusalBody(code, text, details, reader)));
}

/** The file a path under /app/ names, or undefined when it would leave the folder. */
export function appFile(dir: string, pathname: string): string | undefined {
  const rel = decodeURIComponent(pathname.slice(APP_PATH.length)).replace(/^\/+/, '');
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  const file = path.resolve(dir, rel || 'index.html');
  return file === dir || file.startsWith(dir + path.sep) ? file : undefined;
}

async function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, size: number) {
  const ext = path.extname(file);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    'content-length': String(size),
    // index.html and sw.js must be fetched again to see a new build; hashed assets never change.
    'cache-control': HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') return void res.end();
  try {
    await pipeline(createReadStream(file), res);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}

const fileSize = (file: string) =>
  stat(file).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined,
  );

export async function serveWebApp(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  opts: { readonly dir: string; readonly config: CityConfig; readonly reader: RenderContext },
): Promise<void> {
  req.resume();
  const method = req.method ?? 'GET';
  const { reader } = opts;
  if (method !== 'GET' && method !== 'HEAD')
    return sendError(res, reader, 405, 'method_not_allowed', message('local.appMethod', { method }));
  if (url.pathname === APP_PATH) {
    res.writeHead(301, { location: `${APP_PATH}/${url.search}` });
    return void res.end();
  }
  if (url.pathname === `${APP_PATH}/config.json`) {
    const body = JSON.stringify(appConfig(opts.config, { apiBaseUrl: '', auth: { mode: 'local' } }));
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.json'] as string, 'cache-control': 'no-cache' });
    return void res.end(method === 'HEAD' ? undefined : body);
  }
  const dir = path.resolve(opts.dir);
  const file = appFile(dir, url.pathname);
  if (!file)
    return sendError(res, reader, 404, 'not_found', message('local.appNoFile', { path: url.pathname }));
  const size = await fileSize(file);
  if (size !== undefined) return sendFile(req, res, file, size);
  // A name with an extension is a file that is not there; anything else is a page of the app.
  if (path.extname(file) !== '')
    return sendError(res, reader, 404, 'not_found', message('local.appNoFile', { path: url.pathname }));
  const index = path.join(dir, 'index.html');
  const indexSize = await fileSize(index);
  if (indexSize === undefined)
    return sendError(res, reader, 503, 'unavailable', message('local.appNotBuilt'));
  return sendFile(req, res, index, indexSize);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 4096) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Local sign-in: GET /_dev/people, POST /_dev/token {"personId"}. */
export async function serveDevSignIn(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  tokenKey: Uint8Array,
  reader: RenderContext,
): Promise<void> {
  const seeded = (await getCityRecord())?.people ?? [];
  if (url.pathname === `${DEV_PATH}people` && req.method === 'GET') {
    req.resume();
    // The records as they are now: a person deactivated since the seed shows as such.
    const people = await Promise.all(
      seeded.map(async (p) => {
        const now = (await getPerson(p.id)) ?? p;
        return { id: now.id, name: now.name, role: now.role, active: now.active };
      }),
    );
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    return void res.end(JSON.stringify({ people }));
  }
  if (url.pathname === `${DEV_PATH}token` && req.method === 'POST') {
    const body = await readJson(req);
    const personId = (body as { personId?: unknown } | undefined)?.personId;
    if (typeof personId !== 'string')
      return sendError(res, reader, 400, 'bad_request', message('local.devSendPerson'), [
        detail('body.personId', message('local.devRequiredString')),
      ]);
    if (!seeded.some((p) => p.id === personId))
      return sendError(res, reader, 404, 'not_found', message('local.devNoPerson', { id: personId }), [
        detail('body.personId', message('local.devNotSeeded')),
      ]);
    const token = await issueDevToken(tokenKey, personId);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    return void res.end(JSON.stringify({ token }));
  }
  req.resume();
  return sendError(res, reader, 404, 'not_found', message('local.noRoute', { path: url.pathname }));
}
