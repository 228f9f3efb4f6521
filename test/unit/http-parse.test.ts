import { BadRequestError, DomainError, NotFoundError } from '@gridpatrol/core';
import type { RouteDef } from '@gridpatrol/functions';
import { errorToResponse } from '@gridpatrol/functions/http/errors';
import { parseInput } from '@gridpatrol/functions/http/parse';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

const route: RouteDef = {
  method: 'POST',
  path: '/things/{id}',
  group: 'system',
  operationId: 'x',
  summary: 'x',
  roles: 'public',
  request: {
    params: z.object({ id: z.string().min(2) }),
    query: z.object({ limit: z.coerce.number().int().max(100).optional() }),
    body: z.object({ lon: z.number(), lat: z.number() }),
  },
  response: z.object({}),
};

const event = (patch: Partial<APIGatewayProxyEventV2>): APIGatewayProxyEventV2 =>
  ({
    headers: { 'content-type': 'application/json' },
    pathParameters: { id: 'ab' },
    body: '{"lon":1,"lat":2}',
    isBase64Encoded: false,
    ...patch,
  }) as APIGatewayProxyEventV2;

describe('parseInput', () => {
  it('returns validated params, query and body', () => {
    const out = parseInput(route, event({ queryStringParameters: { limit: '5' } }));
    expect(out).toEqual({ params: { id: 'ab' }, query: { limit: 5 }, body: { lon: 1, lat: 2 } });
  });

  it('decodes a base64 body', () => {
    const body = Buffer.from('{"lon":3,"lat":4}').toString('base64');
    expect(parseInput(route, event({ body, isBase64Encoded: true })).body).toEqual({ lon: 3, lat: 4 });
  });

  it('names the JSON problem', () => {
    expect(() => parseInput(route, event({ body: '{"lon":1,' }))).toThrow(/Malformed JSON body/);
  });

  it('points at every bad field with its place', () => {
    try {
      parseInput(
        route,
        event({ pathParameters: { id: 'a' }, queryStringParameters: { limit: '500' }, body: '{"lon":"x"}' }),
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BadRequestError);
      const paths = (err as BadRequestError).details.map((d) => d.path);
      expect(paths).toEqual(['params.id']);
    }
    try {
      parseInput(route, event({ body: '{"lon":"x"}' }));
      expect.unreachable();
    } catch (err) {
      expect((err as BadRequestError).details.map((d) => d.path).sort()).toEqual(['body.lat', 'body.lon']);
    }
  });

  it('requires a body, and a JSON one', () => {
    expect(() => parseInput(route, event({ body: undefined }))).toThrow(/body is required/);
    expect(() => parseInput(route, event({ headers: { 'content-type': 'text/csv' } }))).toThrow(DomainError);
  });
});

describe('errorToResponse', () => {
  it('maps domain errors to their status and keeps their message', () => {
    expect(errorToResponse(new NotFoundError('cell', 'C1'), 'r1')).toMatchObject({
      status: 404,
      internal: false,
    });
    expect(
      errorToResponse(new BadRequestError('bad', [{ path: 'body.x', message: 'm' }]), 'r1').body.error
        .details,
    ).toHaveLength(1);
  });

  it('hides anything else behind a request id', () => {
    const out = errorToResponse(new TypeError('secret internals at /var/task/index.js:1'), 'req-9');
    expect(out.status).toBe(500);
    expect(JSON.stringify(out.body)).not.toContain('secret');
    expect(out.body.error.requestId).toBe('req-9');
  });
});
