/**
 * The local server's additions for the web app (packages/local/src/web-app.ts): the static folder
 * at /app/ (types, cache headers, client-side routes, nothing outside the folder), the runtime
 * config, and the local sign-in routes, which exist only here: not in the route manifest (nor,
 * test/infra, in the stack or any bundle).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROUTES } from '@gridpatrol/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { personBodyOf } from '../support/people';

let api: TestApi;
let root: string;

beforeAll(async () => {
  // A built app of a few known files, and a secret beside (outside) it that must stay unreachable.
  root = mkdtempSync(path.join(tmpdir(), 'gridpatrol-web-'));
  const dist = path.join(root, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>shell</title>');
  writeFileSync(path.join(dist, 'app-ABCDEFGH.js'), 'console.log(1)');
  writeFileSync(path.join(dist, 'app-ABCDEFGH.css'), 'body{}');
  writeFileSync(path.join(dist, 'sw.js'), 'self.x=1');
  writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET');
  writeFileSync(path.join(root, 'dist-other.txt'), 'SIBLING');
  api = await startTestApi('demo', { webDir: dist });
});

afterAll(async () => {
  await api?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A request sent byte for byte, so that no client normalises `..` away first. */
function rawGet(url: string, target: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`),
    );
    let data = '';
    socket.on('data', (d) => {
      data += d.toString('utf8');
    });
    socket.on('end', () =>
      resolve({ status: Number(data.slice(9, 12)), body: data.split('\r\n\r\n')[1] ?? '' }),
    );
    socket.on('error', reject);
  });
}

describe('the web app at /app/', () => {
  it('serves the shell, hashed assets for good and the shell and worker never from cache', async () => {
    const shell = await api.call('GET', '/app/');
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    expect(shell.text).toContain('<title>shell</title>');

    const js = await api.call('GET', '/app/app-ABCDEFGH.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await api.call('GET', '/app/app-ABCDEFGH.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const sw = await api.call('GET', '/app/sw.js');
    expect(sw.headers.get('cache-control')).toBe('no-cache');

    const bare = await fetch(`${api.url}/app`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/app/');
  });

  it('answers index.html for client-side routes, a JSON 404 for a missing file', async () => {
    for (const page of ['/app/report', '/app/tasks/T-1', '/app/assets']) {
      const res = await api.call('GET', page);
      expect(res.status, page).toBe(200);
      expect(res.text, page).toContain('<title>shell</title>');
    }
    const missing = await api.call('GET', '/app/app-MISSING1.js');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found' });
    const post = await api.call('POST', '/app/', { body: {} });
    expect(post.status).toBe(405);
    expect(post.body.error.code).toBe('method_not_allowed');
  });

  it('reaches nothing outside the folder, however the path is spelt', async () => {
    const attempts = [
      '/app/../secret.txt',
      '/app/%2e%2e/secret.txt',
      '/app/%2e%2e%2fsecret.txt',
      '/app/..%2fsecret.txt',
      '/app/%2E%2E%2F%2E%2E%2Fsecret.txt',
      '/app/..%5csecret.txt',
      '/app/%2e%2e/dist-other.txt',
      '/app/..%2f..%2f..%2fetc%2fpasswd',
      '/app/%00index.html',
      `/app/${encodeURIComponent(path.join(root, 'secret.txt'))}`,
    ];
    for (const target of attempts) {
      const res = await rawGet(api.url, target);
      expect(res.body, target).not.toContain('TOP SECRET');
      expect(res.body, target).not.toContain('SIBLING');
      expect(res.body, target).not.toContain('root:');
      expect([400, 404], target).toContain(res.status);
    }
  });

  it('writes the runtime config for this city: API on the same origin, local sign-in, its categories', async () => {
    const res = await api.call('GET', '/app/config.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.body).toEqual({
      apiBaseUrl: '',
      auth: { mode: 'local' },
      city: {
        name: 'demo',
        displayName: api.config.displayName,
        timeZone: 'Asia/Shanghai',
        center: [(120.05 + 120.35) / 2, (30.15 + 30.4) / 2],
      },
      categories: api.config.findingCategories.map((c) => ({ id: c.id, name: c.name })),
      departments: api.config.departments.map((d) => ({ id: d.id, name: d.name })),
      defaultLanguage: 'zh-CN',
    });
  });
});

describe('local sign-in', () => {
  it('lists the seeded people and issues a token the API accepts for the one chosen', async () => {
    const list = await api.call('GET', '/_dev/people');
    expect(list.status).toBe(200);
    expect(list.body.people).toContainEqual({
      id: 'worker-liu',
      name: '刘网格员 Liu (grid worker)',
      role: 'grid_worker',
      active: true,
    });
    const issued = await api.call('POST', '/_dev/token', { body: { personId: 'worker-liu' } });
    expect(issued.status).toBe(200);
    const me = await api.call('GET', '/me', { headers: { authorization: `Bearer ${issued.body.token}` } });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe('worker-liu');
  });

  it('refuses anyone not seeded and a body without a person, naming the field', async () => {
    const stranger = await api.call('POST', '/_dev/token', { body: { personId: 'mallory' } });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.details).toEqual([
      { path: 'body.personId', message: 'not one of the seeded people' },
    ]);
    const empty = await api.call('POST', '/_dev/token', { rawBody: 'nope' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].path).toBe('body.personId');
  });

  it('is no route of the manifest (so neither of the Lambda API nor of the stack)', () => {
    expect(ROUTES.filter((r) => r.path.startsWith('/_dev') || r.path.startsWith('/app'))).toEqual([]);
  });

  it('tells a deactivated person so with a code of its own', async () => {
    const li = await api.call('GET', '/me', { as: 'worker-sun' });
    const off = await api.call('PUT', '/people/worker-sun', {
      as: 'admin',
      body: { ...personBodyOf(li.body), active: false },
    });
    expect(off.status).toBe(200);
    const me = await api.call('GET', '/me', { as: 'worker-sun' });
    expect(me.status).toBe(403);
    expect(me.body.error).toMatchObject({ code: 'account_deactivated' });
    const list = await api.call('GET', '/_dev/people');
    expect(list.body.people.find((p: { id: string }) => p.id === 'worker-sun').active).toBe(false);
  });
});
