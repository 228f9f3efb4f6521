/**
 * Issue 16: every refusal a person can read comes in Chinese when asked for it. Known-bad requests
 * go through the real local server with `Accept-Language: zh-CN`: one of every route of the manifest
 * (a malformed path parameter, an unknown query field or body field), the refusals that were still
 * English (the /me/tasks range, schema texts of our own, statistics and baselines, people, a 1e308
 * seed), and the local server's own answers (API Gateway's part in AWS: 400, 401, 404, 405, 408, 414,
 * 431) and its dev sign-in. No message or detail may hold an English phrase: two English words in a
 * row. Codes and paths are not read, so they may stay English. Export downloads are S3's own answers
 * now, locally too (docs/decisions/0056): S3 speaks English XML, in AWS as here.
 */
import net from 'node:net';
import { ROUTES } from '@gridpatrol/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_SQUARE } from '../support/grid-imports';
import { startTestApi, type TestApi, type TestResponse } from '../support/local-api';

const ZH = { 'accept-language': 'zh-CN' };
/** Two English words in a row: what a sentence (or half of one) left untranslated looks like. */
const ENGLISH_PHRASE = /[A-Za-z]{4,} [A-Za-z]{3,}/;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('demo', { receiveTimeouts: { headersMs: 1_000, requestMs: 1_500 } });
}, 120_000);
afterAll(async () => {
  await api?.close();
});

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { path: string; message: string }[] };
}

/** The English phrases in a refusal's message and details, each with where it was found. */
function englishIn(label: string, body: ErrorBody | undefined): string[] {
  const error = body?.error;
  if (!error?.message) return [`${label}: no JSON error body`];
  const texts = [
    { where: 'message', text: error.message },
    ...(error.details ?? []).map((d) => ({ where: d.path, text: d.message })),
  ];
  return texts.filter((t) => ENGLISH_PHRASE.test(t.text)).map((t) => `${label} ${t.where}: ${t.text}`);
}

async function refusal(label: string, res: TestResponse): Promise<string[]> {
  if (res.status < 400) return [`${label}: not refused (${res.status})`];
  return englishIn(`${label} → ${res.status}`, res.body);
}

/** What a raw socket gets back, for the answers the HTTP parser gives before any request exists. */
function raw(data: string): Promise<{ status: number | undefined; body: ErrorBody | undefined }> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const received: Buffer[] = [];
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer within 10 s'));
    }, 10_000);
    socket.on('data', (d) => received.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(guard);
      const [head = '', body = ''] = Buffer.concat(received).toString('utf8').split('\r\n\r\n', 2);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      let json: ErrorBody | undefined;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      resolve({ status: status ? Number(status) : undefined, body: json });
    });
    socket.on('connect', () => socket.write(data));
  });
}

describe('refusals in Chinese', () => {
  it('answers a malformed request to every route of the manifest in Chinese', async () => {
    const found: string[] = [];
    for (const route of ROUTES) {
      // '#' is in no id of the API: every path parameter refuses it.
      const path = route.path.replace(/\{\w+\}/g, 'x%23y');
      const write = route.method === 'POST' || route.method === 'PUT';
      const res = await api.call(route.method, write ? path : `${path}?zzz=1`, {
        as: 'admin',
        headers: { ...ZH, 'idempotency-key': 'refusals-0001' },
        ...(write ? { body: { zzz: 1 } } : {}),
      });
      if (!('request' in route) && res.status < 400) continue; // nothing to refuse (/health, /me)
      found.push(...(await refusal(`${route.method} ${route.path}`, res)));
    }
    expect(found).toEqual([]);
  });

  it('words the refusals that were English in Chinese', async () => {
    const as = (who: string) => ({ as: who, headers: ZH });
    const requests: [string, Promise<TestResponse>][] = [
      ['my tasks: 60 days', api.call('GET', '/me/tasks?from=2026-01-01&to=2026-03-01', as('worker-liu'))],
      [
        'my tasks: to before from',
        api.call('GET', '/me/tasks?from=2026-01-05&to=2026-01-01', as('worker-liu')),
      ],
      ['a bad plan id', api.call('GET', '/plans/not-a-plan', as('admin'))],
      ['a Tuesday', api.call('POST', '/plans', { ...as('admin'), body: { weekStart: '2026-12-08' } })],
      [
        'a 1e308 seed',
        api.call('POST', '/plans', {
          ...as('admin'),
          rawBody: '{"weekStart":"2026-12-07","seed":1e308}',
          headers: { ...ZH, 'content-type': 'application/json' },
        }),
      ],
      ['stats: three years', api.call('GET', '/stats/summary?from=2020-01-01&to=2023-01-01', as('admin'))],
      ['stats: to before from', api.call('GET', '/stats/summary?from=2026-01-05&to=2026-01-01', as('admin'))],
      ['stats: a bad scope', api.call('GET', '/stats/summary?scope=county', as('admin'))],
      ['assessment of the city', api.call('GET', '/stats/assessment?scope=city', as('admin'))],
      [
        'a baseline in the future',
        api.call('POST', '/baselines', { ...as('admin'), body: { label: '摸底', asOf: '2999-01-01' } }),
      ],
      [
        'a person with unknown cells',
        api.call('PUT', '/people/worker-new', {
          ...as('admin'),
          body: { name: '新网格员', role: 'grid_worker', cells: ['C-nowhere'], zones: ['Z-1'] },
        }),
      ],
      [
        'a bad credit code',
        api.call('POST', '/findings/F-none/actions', {
          ...as('admin'),
          body: { action: 'resolve', expectedVersion: 1, outcome: 'licensed', uscc: '91110108551385082R' },
        }),
      ],
      [
        'a reassignment naming nothing',
        api.call('POST', '/plans/P-abcdef12/tasks/P-abcdef12.2026-12-07.am.C1/reassign', {
          ...as('admin'),
          body: { expectedVersion: 1 },
        }),
      ],
      [
        'forced activation without a reason',
        api.call('POST', '/grid/imports/1/activate', { ...as('admin'), body: { force: true } }),
      ],
      [
        'a number too close to 0',
        api.call('POST', '/tasks/P-abcdef12.2026-12-07.am.C1/check-in', {
          ...as('worker-liu'),
          headers: { ...ZH, 'idempotency-key': 'refusals-0002' },
          body: { lon: 5e-324, lat: 30.2 },
        }),
      ],
      // The local server's own answers.
      ['no token', api.call('GET', '/me', { headers: ZH })],
      ['no such route', api.call('GET', '/no-such-route', { headers: ZH })],
      ['a method not allowed', api.call('DELETE', '/health', { headers: ZH })],
      ['a malformed path', api.call('GET', '/people/%E0%A4%A', { headers: ZH })],
      ['a 9 KB URL', api.call('GET', `/health?q=${'a'.repeat(9_000)}`, { headers: ZH })],
      ['dev sign-in without a person', api.call('POST', '/dev/token', { headers: ZH, body: {} })],
    ];
    const found: string[] = [];
    for (const [label, pending] of requests) found.push(...(await refusal(label, await pending)));
    expect(found).toEqual([]);
  });

  it('names one maximum for a 1e308 seed, not zod’s safe-integer bound beside it', async () => {
    const res = await api.call('POST', '/plans', {
      as: 'admin',
      rawBody: '{"weekStart":"2026-12-07","seed":1e308}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    const seed = res.body.error.details.filter((d: { path: string }) => d.path === 'body.seed');
    expect(seed).toEqual([{ path: 'body.seed', message: 'Too big: expected number to be <=4294967295' }]);
  });

  it('answers what the HTTP parser refuses in the city’s language (zh-CN): 408, 414, 431', async () => {
    const host = new URL(api.url).host;
    const answers = [
      await raw(`GET /health HTTP/1.1\r\nHost: ${host}\r\nx-slow: `),
      await raw(`GET /health?q=${'a'.repeat(70_000)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`),
      await raw(`GET /health HTTP/1.1\r\nHost: ${host}\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`),
    ];
    expect(answers.map((a) => a.status)).toEqual([408, 414, 431]);
    expect(answers.flatMap((a, i) => englishIn(String(i), a.body))).toEqual([]);
    expect(answers[0]?.body?.error?.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('words a refused grid import in Chinese, each error from its problem’s fields', async () => {
    const square = SMALL_SQUARE;
    const cell = (properties: object, ring: unknown[]) => ({
      type: 'Feature',
      properties,
      geometry: { type: 'Polygon', coordinates: [ring] },
    });
    const body = {
      cells: {
        type: 'FeatureCollection',
        features: [
          cell({ name: '无编号网格' }, square),
          cell({ id: 'C-bad', name: '坏坐标网格' }, [['x', 30.2], ...square.slice(1)]),
        ],
      },
      zones: {
        type: 'FeatureCollection',
        features: [cell({ id: 'Z-1', name: '责任区', office: 'office-east' }, square)],
      },
    };
    const accepted = await api.call('POST', '/grid/imports', {
      as: 'admin',
      body,
      headers: { 'idempotency-key': 'refusals-import-1' },
    });
    expect(accepted.status).toBe(202);
    const version = accepted.body.version as number;
    let zh: TestResponse | undefined;
    for (const until = Date.now() + 30_000; Date.now() < until; ) {
      zh = await api.call('GET', `/grid/imports/${version}`, { as: 'admin', headers: ZH });
      if (zh.body.status !== 'writing') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(zh?.body.status).toBe('failed');
    const refused = { error: { message: zh?.body.failure.message, details: zh?.body.errors } };
    expect(englishIn('failed import', refused)).toEqual([]);
    expect(zh?.body.errors).toContainEqual(
      expect.objectContaining({
        path: 'cells.features[0].properties.id',
        code: 'missing_id',
        layer: 'cells',
        featureIndex: 0,
        message: expect.stringMatching(/^［missing_id］网格图层第 0 个要素（名称 "无编号网格"）：/),
      }),
    );
    const en = await api.call('GET', `/grid/imports/${version}`, { as: 'admin' });
    expect(en.body.failure.message).toMatch(/^The import was refused: \d+ errors, each listed in details/);
    expect(en.body.errors.map((e: { message: string }) => e.message)).toContain(
      '[missing_id] cells feature 0 (name "无编号网格"): the feature has no id (properties.id)',
    );
  });

  it('keeps English for an English reader, with the same code and paths', async () => {
    const zh = await api.call('GET', '/me/tasks?from=2026-01-01&to=2026-03-01', {
      as: 'worker-liu',
      headers: ZH,
    });
    const en = await api.call('GET', '/me/tasks?from=2026-01-01&to=2026-03-01', { as: 'worker-liu' });
    expect(zh.body.error.code).toBe(en.body.error.code);
    expect(zh.body.error.details.map((d: { path: string }) => d.path)).toEqual(['query.to']);
    expect(en.body.error.details).toEqual([
      { path: 'query.to', message: "at most 31 days from 'from' (2026-01-01); got 60" },
    ]);
    expect(zh.body.error.details[0].message).toBe('自 from（2026-01-01）起最多 31 天；实际 60 天');
  });
});
