/**
 * Odd values where the route expects something ordinary: every query parameter and every path
 * parameter of every route of the manifest (derived from the schemas, so a route added later is
 * tried too) gets the values a retrying client, a copy-paste or a curious person sends — empty,
 * blank, negative, enormous, not-a-number, impossible dates, control characters, Chinese, very long.
 * None may come back as a 5xx, and every refusal is the house's JSON error.
 */
import { ROUTES, type RouteDef, routeKey } from '@gridpatrol/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { callerOf, concretePath } from '../support/schema-walk';

const ODD_QUERY_VALUES = [
  '',
  ' ',
  '-1',
  '0',
  '1e309',
  'NaN',
  '0000-01-01',
  '2026-02-30',
  '9999-12-31T23:59:59Z',
  '\u0000',
  '网格',
  'x'.repeat(2000),
];
const ODD_PARAMS = ['x'.repeat(1500), '网格-一', '..', 'a b', '-', '0', `F-${'9'.repeat(60)}`, '\u0007'];

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('demo');
});
afterAll(async () => {
  await api?.close();
});

const routes = ROUTES as readonly RouteDef[];
const withQuery = routes.filter((r) => r.request?.query && Object.keys(r.request.query.shape).length > 0);
const withParams = routes.filter((r) => r.path.includes('{'));

/** Where an answer is not what a client may rely on: a 5xx, or a refusal without the error shape. */
function unexpected(label: string, res: { status: number; body: unknown; text: string }): string | undefined {
  if (res.status >= 500) return `${label}: ${res.status} ${res.text.slice(0, 200)}`;
  const error = (res.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (res.status >= 400 && (typeof error?.code !== 'string' || typeof error?.message !== 'string'))
    return `${label}: ${res.status} without the error shape: ${res.text.slice(0, 200)}`;
  return undefined;
}

describe('odd query values', () => {
  it('finds the routes with a query', () => {
    expect(withQuery.map(routeKey)).toContain('GET /findings');
    expect(withQuery.length).toBeGreaterThanOrEqual(8);
  });

  for (const route of withQuery) {
    it(`${routeKey(route)}: each parameter with each odd value is answered, never a 5xx`, async () => {
      const failures: string[] = [];
      const base = concretePath(route);
      for (const name of Object.keys(route.request?.query?.shape ?? {}))
        for (const value of ODD_QUERY_VALUES) {
          const path = `${base}?${new URLSearchParams({ [name]: value })}`;
          const res = await api.call(route.method, path, {
            as: callerOf(route),
            body: route.method === 'GET' ? undefined : {},
            headers: { 'idempotency-key': `odd-${Math.random().toString(36).slice(2)}` },
          });
          const bad = unexpected(`${name}=${JSON.stringify(value.slice(0, 20))}`, res);
          if (bad) failures.push(bad);
        }
      expect(failures).toEqual([]);
    });
  }
});

describe('odd path parameters', () => {
  for (const route of withParams) {
    it(`${routeKey(route)}: each odd id is answered, never a 5xx`, async () => {
      const failures: string[] = [];
      for (const value of ODD_PARAMS) {
        const path = route.path.replace(/\{(\w+)\+?\}/g, () => encodeURIComponent(value));
        const res = await api.call(route.method, path, {
          as: callerOf(route),
          body: route.method === 'GET' ? undefined : {},
          headers: { 'idempotency-key': `odd-${Math.random().toString(36).slice(2)}` },
        });
        const bad = unexpected(JSON.stringify(value.slice(0, 20)), res);
        if (bad) failures.push(bad);
      }
      expect(failures).toEqual([]);
    });
  }
});
