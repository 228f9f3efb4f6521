import { ROUTES } from '@gridpatrol/functions';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { gridWorker, putPerson } from '../support/people';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('demo');
});
afterAll(async () => {
  await api?.close();
});

describe('GET /health', () => {
  it('answers whether it is ready and the version, naming neither city nor table (issue 21.8)', async () => {
    const res = await api.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('carries security headers', async () => {
    const res = await api.call('GET', '/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age');
  });

  it('sets CORS headers only for the origins in the city config', async () => {
    const allowed = await api.call('GET', '/health', { headers: { origin: 'http://localhost:5173' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await api.call('GET', '/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});

describe('identity', () => {
  it('GET /me returns the caller’s person record', async () => {
    const res = await api.call('GET', '/me', { as: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'admin', role: 'city_admin', active: true });
  });

  it('refuses a missing token with 401 JSON', async () => {
    const res = await api.call('GET', '/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('refuses a token signed with another key, and an expired one, with 401', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin')
      .setIssuer('gridpatrol-local')
      .setAudience('gridpatrol')
      .setExpirationTime('1h')
      .sign(new Uint8Array(32).fill(7));
    const res = await api.call('GET', '/me', { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
    const garbage = await api.call('GET', '/me', { headers: { authorization: 'Bearer not.a.token' } });
    expect(garbage.status).toBe(401);
  });

  it('refuses an access token (no person in it) with 401: only ID tokens identify a person', async () => {
    const key = api.tokenKey;
    const access = await new SignJWT({ token_use: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin')
      .setIssuer('gridpatrol-local')
      .setAudience('gridpatrol')
      .setExpirationTime('1h')
      .sign(key);
    const res = await api.call('GET', '/me', { headers: { authorization: `Bearer ${access}` } });
    expect(res.status).toBe(401);
  });

  it('refuses a token for a person who does not exist with 403', async () => {
    const res = await api.call('GET', '/me', { as: 'nobody-here' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('nobody-here');
  });
});

describe('routing and bad input', () => {
  it('answers an unknown route with 404 JSON', async () => {
    const res = await api.call('GET', '/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('/no/such/route'),
    });
  });

  it('answers a wrong method with 405 JSON and Allow', async () => {
    const res = await api.call('DELETE', '/health');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.body.error.code).toBe('method_not_allowed');
  });

  it('answers malformed JSON with 400 naming the problem', async () => {
    const res = await api.call('PUT', '/people/worker-new', {
      as: 'admin',
      rawBody: '{"name": "x", role: }',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toMatch(/Malformed JSON body: .*position/);
    expect(res.body.error.details[0].path).toBe('body');
  });

  it('answers a schema violation with 400 whose details point at each field', async () => {
    const res = await putPerson(api, 'worker-new', 'admin', { name: '', role: 'boss', capacity: -1 });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['body.capacity', 'body.name', 'body.role']);
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await api.call('PUT', '/people/worker-new', {
      as: 'admin',
      rawBody: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
  });

  it('answers a body over 6 MB with 413 and writes nothing', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(6 * 1024 * 1024), role: 'grid_worker' });
    const res = await api.call('PUT', '/people/too-big', {
      as: 'admin',
      rawBody: huge,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect((await api.call('GET', '/me', { as: 'too-big' })).status).toBe(403);
  });

  it('authenticates before it validates: an anonymous caller gets 401, not a schema error', async () => {
    const res = await api.call('PUT', '/people/x', {
      rawBody: '{bad',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
  });
});

describe('PUT /people/{id}', () => {
  it('lets the city admin create a person, who can then call the API', async () => {
    const body = gridWorker('吴网格员', 'office-east', { cells: [], capacity: 5 });
    const res = await putPerson(api, 'worker-wu', 'admin', body);
    expect(res.status).toBe(201);
    const me = await api.call('GET', '/me', { as: 'worker-wu' });
    expect(me.body).toMatchObject({ id: 'worker-wu', name: '吴网格员', role: 'grid_worker' });
  });

  it('refuses a field role with 403', async () => {
    const res = await putPerson(api, 'x1', 'worker-liu', { name: 'x', role: 'grid_worker' });
    expect(res.status).toBe(403);
  });

  it('lets a supervisor manage field people of their own office only', async () => {
    // People are created by a city admin; a supervisor replaces those of their office.
    const created = await putPerson(api, 'worker-own', 'admin', gridWorker('own', 'office-east'));
    expect(created.status).toBe(201);
    const own = await putPerson(api, 'worker-own', 'sup-east', gridWorker('own 2', 'office-east'));
    expect(own.status).toBe(200);
    const other = await putPerson(api, 'worker-own', 'sup-east', gridWorker('other', 'office-west'));
    expect(other.status).toBe(403);
    const promote = await putPerson(api, 'worker-own', 'sup-east', { name: 's', role: 'city_admin' });
    expect(promote.status).toBe(403);
  });

  it('refuses fields a client may not set with 422 (the id comes from the path)', async () => {
    const res = await putPerson(api, 'worker-x', 'admin', {
      id: 'someone-else',
      name: 'x',
      role: 'grid_worker',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: 'body.id', message: expect.any(String) }]);
  });

  it('deactivating a person locks them out at once', async () => {
    await putPerson(api, 'worker-gone', 'admin', { name: 'gone', role: 'grid_worker' });
    expect((await api.call('GET', '/me', { as: 'worker-gone' })).status).toBe(200);
    await putPerson(api, 'worker-gone', 'admin', { name: 'gone', role: 'grid_worker', active: false });
    const res = await api.call('GET', '/me', { as: 'worker-gone' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('deactivated');
  });
});

describe('failures inside a handler', () => {
  it('answer 500 with a request id and no internals', async () => {
    const saved = process.env.TABLE_NAME;
    process.env.TABLE_NAME = 'no-such-table';
    try {
      const res = await api.call('GET', '/me', { as: 'admin' });
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('internal');
      expect(res.body.error.requestId).toBeTruthy();
      expect(res.text).not.toMatch(/ResourceNotFound|at .*\.ts|stack/i);
    } finally {
      process.env.TABLE_NAME = saved;
    }
  });
});

describe('GET /openapi.json', () => {
  it('documents every route in the manifest', async () => {
    const res = await api.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    for (const r of ROUTES) {
      const op = res.body.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.operationId).toBe(r.operationId);
    }
  });
});
