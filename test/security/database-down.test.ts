/**
 * Attack category: the database goes away (issue 21.5). A local server over a DynamoDB Local of this
 * file's own answers 503 `unavailable` with Retry-After while it is down, quickly (no hang until the
 * function timeout), and answers again once it is back, without a restart of its own. A supervised
 * DynamoDB Local (what `npm start` runs) is restarted when its java process dies. Throttling cannot
 * be produced by DynamoDB Local, so those SDK errors are mapped directly (only AWS is stood in for).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import { errorToResponse } from '@gridpatrol/functions/http/errors';
import {
  freePort,
  issueDevToken,
  type LocalDynamo,
  type LocalServer,
  openDatabase,
  randomDevKey,
  seedCity,
  startDynamoDbLocal,
  startLocalServer,
} from '@gridpatrol/local';
import { DYNAMODB_TIMEOUTS, requestDeadline } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const key = randomDevKey();
let dataDir: string;
let port: number;
let db: LocalDynamo | undefined;
let server: LocalServer;

async function call(method: string, route: string, body?: unknown) {
  const started = Date.now();
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${await issueDevToken(key, 'admin')}`,
      // The messages read below are English; the demo city answers in zh-CN unless asked (issue 16).
      'accept-language': 'en',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text), ms: Date.now() - started };
}

const person = { name: '测试员 Down', role: 'grid_worker', office: 'office-east', cells: [] as string[] };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-down-'));
  port = await freePort();
  db = await startDynamoDbLocal({ dataDir, port });
  // This file's own database: the handlers' client is made on first use, after this.
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  const config = readCityConfig('demo');
  await openDatabase(config, { persist: false, tableName: 'down-test' });
  await seedCity(config);
  server = await startLocalServer({ config, tokenKey: key });
  const me = await call('GET', '/people/worker-liu');
  person.cells = me.body.cells;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await db?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function expectUnavailable(res: Awaited<ReturnType<typeof call>>, withinMs = 8_000) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res.body.error.code).toBe('unavailable');
  expect(res.body.error.message).toMatch(/retry/i);
  // The client is not left hanging until a gateway timeout.
  expect(res.ms).toBeLessThan(withinMs);
}

describe('DynamoDB down', () => {
  it('answers 503 with Retry-After on reads and writes, and again 200 once it is back', async () => {
    expect((await call('GET', '/people?limit=2')).status).toBe(200);
    await db?.stop();
    expectUnavailable(await call('GET', '/people?limit=2'));
    expectUnavailable(await call('PUT', '/people/worker-down', person));
    expectUnavailable(await call('GET', '/findings/F-0000000000'));
    const probeStarted = Date.now();
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(503);
    // A load balancer's probe is answered in about a second, not after the full retry budget (5 s).
    expect(Date.now() - probeStarted).toBeLessThan(3_000);

    db = await startDynamoDbLocal({ dataDir, port });
    expect((await call('GET', '/people?limit=2')).status).toBe(200);
    const put = await call('PUT', '/people/worker-down', person);
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 90_000);

  it('gives up on a database that accepts connections but never answers (a hung process): 503, not a hang', async () => {
    const pid = db?.pid as number;
    process.kill(pid, 'SIGSTOP');
    try {
      // Locally one attempt waits 1 s + 5 s and the budget allows 5 s: a 503 long before the local
      // server's 30 s gateway timeout.
      expectUnavailable(await call('GET', '/people?limit=2'), 25_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect((await call('GET', '/people?limit=2')).status).toBe(200);
  }, 60_000);

  it('gives up by default well inside the shortest function timeout (10 s): no attempt starts after the request deadline', () => {
    // Attempts are bounded by the request's retry budget (decision 0029), not by a count: the last
    // one may start at the deadline and still ends before the function's timeout.
    const perAttempt = DYNAMODB_TIMEOUTS.connectionTimeout + DYNAMODB_TIMEOUTS.requestTimeout;
    expect(requestDeadline(10_000, perAttempt, 0) + perAttempt).toBeLessThan(10_000);
    const local = DYNAMODB_TIMEOUTS.connectionTimeout + DYNAMODB_TIMEOUTS.localRequestTimeout;
    expect(requestDeadline(30_000, local, 0) + local).toBeLessThan(30_000);
  });

  it('restarts a supervised DynamoDB Local whose java process died, and the server answers again', async () => {
    await db?.stop();
    const events: string[] = [];
    let restarted: () => void = () => undefined;
    const back = new Promise<void>((resolve) => {
      restarted = resolve;
    });
    db = await startDynamoDbLocal({
      dataDir,
      port,
      supervise: {
        onExit: ({ signal }) => events.push(`exit ${signal}`),
        onRestarted: () => {
          events.push('restarted');
          restarted();
        },
        onGiveUp: (err) => events.push(`gave up: ${err.message}`),
      },
    });
    const first = db.pid;
    expect(first).toBeTypeOf('number');
    process.kill(first as number, 'SIGKILL');
    await back;
    expect(events).toEqual(['exit SIGKILL', 'restarted']);
    expect(db.pid).not.toBe(first);
    expect((await call('GET', '/people/worker-down')).status).toBe(200);
  }, 90_000);
});

describe('SDK errors that mean "retry later"', () => {
  const sdkError = (name: string, extra: object = {}) =>
    Object.assign(new Error(`${name} from DynamoDB`), { name, $metadata: { httpStatusCode: 400 }, ...extra });

  it.each([
    ['ProvisionedThroughputExceededException', sdkError('ProvisionedThroughputExceededException')],
    ['ThrottlingException', sdkError('ThrottlingException')],
    ['RequestLimitExceeded', sdkError('RequestLimitExceeded')],
    ['InternalServerError', sdkError('InternalServerError', { $metadata: { httpStatusCode: 500 } })],
    ['ServiceUnavailable', sdkError('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } })],
    ['a timeout', sdkError('TimeoutError')],
    ['socket hang up', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
    [
      'a transaction cancelled by throttling',
      sdkError('TransactionCanceledException', {
        CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
      }),
    ],
  ])('%s is a 503 with Retry-After', (_, err) => {
    const out = errorToResponse(err, 'r1');
    expect(out.status).toBe(503);
    expect(out.body.error.code).toBe('unavailable');
    expect(out.headers['retry-after']).toMatch(/^\d+$/);
    expect(out.internal).toBe(false);
  });

  it.each([
    ['a failed condition', sdkError('ConditionalCheckFailedException')],
    ['a validation error', sdkError('ValidationException')],
    ['a bug', new TypeError('x is undefined')],
  ])('%s stays a 500', (_, err) => {
    const out = errorToResponse(err, 'r1');
    expect(out.status).toBe(500);
    expect(out.headers['retry-after']).toBeUndefined();
  });
});
