/**
 * Only CloudFront reaches the API (issue 18): with the origin key configured, as every HTTP function
 * has it in AWS, a request without CloudFront's header, or with a wrong one, is a 403 on every route,
 * public ones included, before the token or the body is looked at; with it, the API answers as usual.
 * Locally no key is configured, and nothing is asked of a request.
 */
import { ORIGIN_KEY_ENV, ORIGIN_KEY_HEADER } from '@gridpatrol/functions/http/origin-key';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';

let api: TestApi;
const KEY = 'k3yFromSecretsManager0123456789abcdef';

beforeAll(async () => {
  api = await startTestApi('demo');
});
afterEach(() => {
  delete process.env[ORIGIN_KEY_ENV];
});
afterAll(async () => {
  await api?.close();
});

it('answers as usual without a key configured (the local server has no edge)', async () => {
  expect((await api.call('GET', '/health')).status).toBe(200);
  expect((await api.call('GET', '/me', { as: 'worker-liu' })).status).toBe(200);
});

it('refuses every route without the key or with a wrong one, writing nothing', async () => {
  process.env[ORIGIN_KEY_ENV] = KEY;
  const wrong = { [ORIGIN_KEY_HEADER]: `${KEY}x` };
  for (const headers of [{}, wrong, { [ORIGIN_KEY_HEADER]: '' }]) {
    const health = await api.call('GET', '/health', { headers });
    expect(health.status).toBe(403);
    expect(health.body.error).toMatchObject({
      code: 'forbidden',
      details: [{ path: `headers.${ORIGIN_KEY_HEADER}` }],
    });
    expect(health.text).not.toContain(KEY);
    const write = await api.call('PUT', '/people/edge-probe', {
      as: 'admin',
      headers,
      body: { name: '绕行测试', role: 'grid_worker', office: 'office-east' },
    });
    expect(write.status).toBe(403);
  }
  delete process.env[ORIGIN_KEY_ENV];
  expect((await api.call('GET', '/people/edge-probe', { as: 'admin' })).status).toBe(404);
});

it('lets a request with CloudFront’s key through', async () => {
  process.env[ORIGIN_KEY_ENV] = KEY;
  const headers = { [ORIGIN_KEY_HEADER]: KEY };
  expect((await api.call('GET', '/health', { headers })).status).toBe(200);
  expect((await api.call('GET', '/me', { as: 'worker-liu', headers })).status).toBe(200);
});
