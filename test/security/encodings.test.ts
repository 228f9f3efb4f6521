/**
 * Attack category: malformed percent-encoding in paths (issue 21.3). The local server answers a 400
 * naming the path before routing or authentication, as API Gateway does, and the handler chain
 * refuses a path parameter that still carries a broken escape or is not well-formed text, without
 * trusting that API Gateway never passes one on.
 */
import { BadRequestError } from '@gridpatrol/core';
import { ROUTES, type RouteDef } from '@gridpatrol/functions';
import { parseInput } from '@gridpatrol/functions/http/parse';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { startTestApi, type TestApi, type TestResponse } from '../support/local-api';

const BROKEN = '%E0%A4%A';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
}, 60_000);
afterAll(async () => {
  await api?.close();
});

function expectMalformedPath(res: TestResponse, path: string) {
  expect(res.status, res.text.slice(0, 300)).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body.error.code).toBe('bad_request');
  expect(res.body.error.message).toContain(path);
  expect(res.body.error.details).toEqual([{ path: 'path', message: expect.stringContaining(path) }]);
}

describe('the local server', () => {
  it.each([
    ['GET', `/findings/F-${BROKEN}`, 'admin'],
    ['GET', `/findings/F-${BROKEN}`, undefined],
    ['POST', `/findings/${BROKEN}/actions`, 'admin'],
    ['PUT', `/people/${BROKEN}`, 'admin'],
    ['POST', `/tasks/T-x${BROKEN}/check-in`, 'worker-liu'],
    ['GET', '/people/%FF', 'admin'],
    ['GET', '/people/%', 'admin'],
  ])('answers %s %s (as %s) with a 400 naming the path', async (method, path, as) => {
    const body = method === 'GET' ? undefined : {};
    expectMalformedPath(await api.call(method, path, { as, body }), path);
  });

  const withParams = (ROUTES as readonly RouteDef[]).filter((r) => r.path.includes('{'));
  it.each(withParams.map((r) => ({ method: r.method, path: r.path })))(
    '$method $path with a broken escape in each parameter is a 400',
    async ({ method, path }) => {
      const broken = path.replace(/\{\w+\+?\}/g, `x${BROKEN}`);
      const body = method === 'GET' ? undefined : {};
      expectMalformedPath(await api.call(method, broken, { as: 'admin', body }), broken);
    },
  );

  it('still serves a well-encoded non-ASCII path (a 404 for an unknown person, not a 400)', async () => {
    const res = await api.call('GET', `/people/${encodeURIComponent('张三')}`, { as: 'admin' });
    expect(res.status).not.toBe(500);
    expect(res.body.error.details).not.toEqual([{ path: 'path', message: expect.any(String) }]);
  });
});

describe('the handler chain', () => {
  const route: RouteDef = {
    method: 'GET',
    path: '/things/{id}',
    group: 'system',
    operationId: 'x',
    summary: 'x',
    roles: 'public',
    request: { params: z.object({ id: z.string() }) },
    response: z.object({}),
  };
  const event = (id: string) =>
    ({ headers: {}, pathParameters: { id } }) as unknown as APIGatewayProxyEventV2;

  it.each([
    [BROKEN, 'malformed percent-encoding'],
    ['%', 'malformed percent-encoding'],
    ['a\uD800b', 'not well-formed text'],
    ['\uDC00', 'not well-formed text'],
    ['a\uFFFD', 'not well-formed text'],
    ['a\u0000b', 'not well-formed text'],
  ])('refuses the path parameter %j, naming it', (id, message) => {
    let thrown: unknown;
    try {
      parseInput(route, event(id));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadRequestError);
    expect((thrown as BadRequestError).details).toEqual([{ path: 'params.id', message }]);
  });

  it('accepts decoded text, Chinese and emoji included', () => {
    for (const id of ['F-1', '张三小吃店', 'a😀b', 'a%20b'])
      expect(parseInput(route, event(id)).params).toEqual({ id });
  });
});
