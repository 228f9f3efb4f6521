/**
 * Attack category: HTTP edges (issue 21.8). Vary: Origin with a reflected origin, CORS on the local
 * server's own answers, no header with the text "undefined", bounded time to send a request, JSON
 * errors for over-large headers and over-long URLs (raw sockets, as a fetch client would hide them),
 * and a /health that tells a load balancer only what it needs.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, type TestResponse } from '../support/local-api';

const ORIGIN = 'http://localhost:5173';
const RECEIVE = { headersMs: 1_000, requestMs: 1_500 };

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('demo', { receiveTimeouts: RECEIVE });
}, 60_000);
afterAll(async () => {
  await api?.close();
});

interface RawAnswer {
  status: number | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: inspected loosely
  body: any;
  headers: string;
  /** From the first byte written to the connection's close. */
  ms: number;
  reset: boolean;
}

/** Writes `chunks` to a fresh connection (each after its delay) and reads until the server closes. */
function raw(chunks: { data: string; afterMs?: number }[], giveUpMs = 10_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const received: Buffer[] = [];
    let reset = false;
    const started = Date.now();
    const guard = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no close within ${giveUpMs} ms; got: ${Buffer.concat(received).toString().slice(0, 200)}`),
      );
    }, giveUpMs);
    socket.on('data', (d) => received.push(d));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') reset = true;
    });
    socket.on('close', () => {
      clearTimeout(guard);
      const text = Buffer.concat(received).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      resolve({
        status: status ? Number(status) : undefined,
        body: json,
        headers: head,
        ms: Date.now() - started,
        reset,
      });
    });
    socket.on('connect', async () => {
      for (const c of chunks) {
        if (c.afterMs) await new Promise((r) => setTimeout(r, c.afterMs));
        if (socket.destroyed) return;
        socket.write(c.data);
      }
    });
  });
}

const varyParts = (res: TestResponse) =>
  (res.headers.get('vary') ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);

describe('CORS and Vary', () => {
  it('answers Vary: Origin, once, wherever the origin is reflected: handler answers and errors', async () => {
    const answers = [
      await api.call('GET', '/health', { headers: { origin: ORIGIN } }),
      await api.call('GET', '/me', { as: 'admin', headers: { origin: ORIGIN } }),
      await api.call('GET', '/people/nobody-here', { as: 'admin', headers: { origin: ORIGIN } }),
      await api.call('GET', '/findings?limit=abc', { as: 'admin', headers: { origin: ORIGIN } }),
    ];
    for (const res of answers) {
      expect(res.headers.get('access-control-allow-origin'), res.text.slice(0, 200)).toBe(ORIGIN);
      expect(varyParts(res).filter((p) => p === 'origin')).toEqual(['origin']);
    }
  });

  it('varies by Origin also when the origin is not allowed (that answer must not be cached for an allowed one)', async () => {
    const res = await api.call('GET', '/health', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(varyParts(res)).toContain('origin');
  });

  it("puts CORS headers on the local server's own answers: 401, 404, 405, 400", async () => {
    const answers = [
      await api.call('GET', '/me', { headers: { origin: ORIGIN } }),
      await api.call('GET', '/no-such-route', { headers: { origin: ORIGIN } }),
      await api.call('DELETE', '/health', { headers: { origin: ORIGIN } }),
      await api.call('GET', '/people/%E0%A4%A', { headers: { origin: ORIGIN } }),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 404, 405, 400]);
    for (const res of answers) {
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(varyParts(res)).toContain('origin');
      expect(res.body.error.code).toBeTruthy();
    }
  });
});

describe('the handler chain itself (what API Gateway gets from Lambda)', () => {
  it('answers Vary: Origin (and Accept-Language), once, on a success and on an error', async () => {
    const { handler } = await import('@gridpatrol/functions/handlers/system');
    const context = {
      awsRequestId: 'edge-1',
      functionName: 'system',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:local:0:function:system',
      memoryLimitInMB: '512',
      getRemainingTimeInMillis: () => 10_000,
    };
    const event = (routeKey: string) => ({
      version: '2.0',
      routeKey,
      rawPath: '/health',
      headers: { origin: ORIGIN },
      requestContext: { http: { method: routeKey.split(' ')[0], path: '/health' }, requestId: 'edge-1' },
      isBase64Encoded: false,
    });
    for (const routeKey of ['GET /health', 'GET /nowhere']) {
      // biome-ignore lint/suspicious/noExplicitAny: a hand-made Lambda event and context
      const out = (await handler(event(routeKey) as any, context as any)) as {
        headers: Record<string, string>;
      };
      const vary = Object.entries(out.headers).filter(([k]) => k.toLowerCase() === 'vary');
      expect(vary, routeKey).toHaveLength(1);
      expect(
        String(vary[0]?.[1])
          .split(',')
          .map((p) => p.trim()),
        routeKey,
        // Issue 16: answers are worded in the language the request asks for, so they vary by it too.
      ).toEqual(['Origin', 'Accept-Language']);
    }
  });
});

describe('headers', () => {
  it('never carries a header whose value is the text "undefined" (Server, X-Powered-By)', async () => {
    const answers = [
      await api.call('GET', '/health'),
      await api.call('GET', '/me', { as: 'admin' }),
      await api.call('GET', '/people/nobody-here', { as: 'admin' }),
      await api.call('GET', '/me'),
    ];
    for (const res of answers) {
      for (const [name, value] of res.headers) expect(value, name).not.toBe('undefined');
      expect(res.headers.get('server')).toBeNull();
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('slow and oversized requests', () => {
  const host = () => new URL(api.url).host;

  it('answers a body that comes too slowly with a JSON 408 and closes, within the configured time', async () => {
    const token = await api.token('admin');
    const res = await raw([
      {
        data: `PUT /people/slow-one HTTP/1.1\r\nHost: ${host()}\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"name":`,
      },
      { data: '"x', afterMs: 400 },
    ]);
    expect(res.status, res.headers).toBe(408);
    expect(res.body.error.code).toBe('request_timeout');
    expect(res.ms).toBeGreaterThanOrEqual(RECEIVE.requestMs - 100);
    expect(res.ms).toBeLessThan(RECEIVE.requestMs + 2_500);
  });

  it('answers headers that never end with a JSON 408', async () => {
    const res = await raw([{ data: `GET /health HTTP/1.1\r\nHost: ${host()}\r\nx-slow: ` }]);
    expect(res.status, res.headers).toBe(408);
    expect(res.body.error.code).toBe('request_timeout');
    expect(res.ms).toBeLessThan(RECEIVE.headersMs + 2_500);
  });

  it('answers a 20 KB header with a JSON 431 naming the headers', async () => {
    const res = await raw([
      { data: `GET /health HTTP/1.1\r\nHost: ${host()}\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n` },
    ]);
    expect(res.status, res.headers).toBe(431);
    expect(res.reset).toBe(false);
    expect(res.body.error).toMatchObject({ code: 'headers_too_large', details: [{ path: 'headers' }] });
  });

  it('answers a 70 KB URL with a JSON 414 naming the URL, not a reset', async () => {
    const res = await raw([
      { data: `GET /health?q=${'a'.repeat(70_000)} HTTP/1.1\r\nHost: ${host()}\r\n\r\n` },
    ]);
    expect(res.status, res.headers).toBe(414);
    expect(res.reset).toBe(false);
    expect(res.body.error).toMatchObject({ code: 'uri_too_long', details: [{ path: 'url' }] });
  });

  it('answers a 9 KB URL (within Node’s header limit) with the same JSON 414', async () => {
    const res = await api.call('GET', `/health?q=${'a'.repeat(9_000)}`);
    expect(res.status).toBe(414);
    expect(res.body.error.code).toBe('uri_too_long');
  });

  it('still serves an ordinary request on the same server', async () => {
    expect((await api.call('GET', '/me', { as: 'admin' })).status).toBe(200);
  });
});

describe('GET /health', () => {
  it('tells a load balancer whether it answers and which version, and nothing about the table or city', async () => {
    const res = await api.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(res.text).not.toContain(api.tableName);
  });
});
