/**
 * 10,000 fuzzed request bodies across every write route of the manifest (issue 19.4), through the
 * real local server: bodies derived from each route's zod schema (test/support/schema-walk) with one
 * field broken, wholly random JSON, and bytes that are not JSON, sent by callers of the roles that may
 * call the route and some that may not. Every answer must be below 500, a house-shaped JSON error when
 * it is a 4xx, and leak nothing of the server (stack, file path, table, key attributes); the process
 * that hosts the server must not grow without bound.
 *
 * Seeded: FUZZ_SEED=<n> replays a run (the seed is printed with any failure).
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { addDays, localDate, ROLES, type Role } from '@gridpatrol/core';
import { ROUTES, type RouteDef, routeKey } from '@gridpatrol/functions';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi, type TestResponse } from '../support/local-api';
import { pointInCell } from '../support/points';
import {
  DEMO_AS,
  fieldsOf,
  type JsonPath,
  objectsOf,
  sampleOf,
  variantsOf,
  withValue,
} from '../support/schema-walk';
import { writePublishedTask } from '../support/tasks';

const SEED = Number(process.env.FUZZ_SEED ?? 190_404);
const BODIES = Number(process.env.FUZZ_BODIES ?? 10_000);
/** Requests in flight at once: enough to overlap database waits, few enough for 2 busy cores. */
const CONCURRENCY = 6;
/** Bodies generated at a time, so that the huge ones are never all in memory together. */
const CHUNK = 250;

const WRITE_ROUTES = (ROUTES as readonly RouteDef[]).filter((r) => r.method !== 'GET');

let api: TestApi;
/** Path parameters naming real objects, so that a body that passes its schema reaches the operation. */
let pathOf: (route: RouteDef) => string;
/** Values that pass each field's schema, by field name, to build valid-ish bodies from. */
let good: Record<string, unknown>;
/** A point in worker-liu's cell. */
let point: { lon: number; lat: number };

beforeAll(async () => {
  api = await startTestApi('demo');
  const me = (id: string) => api.call('GET', '/me', { as: id }).then((r) => r.body);
  const get = (path: string) => api.call('GET', path, { as: 'admin' }).then((r) => r.body);
  const liu = await me('worker-liu');
  const li = await me('officer-li');
  const cell: string = liu.cells[0];
  const found = await pointInCell(get, cell);
  if (!found) throw new Error(`no point found in ${cell}`);
  point = { lon: found.lon, lat: found.lat };
  const finding = await api.call('POST', '/findings', {
    as: 'worker-liu',
    body: reportBody(point, '模糊测试小吃店'),
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(finding.status).toBe(201);
  const today = localDate(new Date(), api.config.timeZone);
  const task = await writePublishedTask({
    planId: 'P-fuzztask1',
    cellId: cell,
    zoneId: li.zones[0],
    officeId: 'office-east',
    officerId: 'officer-li',
    partnerId: 'worker-liu',
    date: today,
    shift: 'am',
    shiftStart: `${today}T00:00:00.000Z`,
    shiftEnd: `${addDays(today, 1)}T00:00:00.000Z`,
  });
  const baseline = await api.call('POST', '/baselines', {
    as: 'admin',
    body: { label: '模糊测试基线', asOf: today },
  });
  expect(baseline.status).toBe(201);
  const nextMonday = nextMondayAfter(today);
  const plan = await api.call('POST', '/plans', {
    as: 'sup-east',
    body: { weekStart: nextMonday, office: 'office-east' },
  });
  expect(plan.status).toBe(201);
  const ids: Record<string, string> = {
    'PUT /people/{id}': '/people/fuzz-person',
    'POST /grid/imports/{version}/activate': '/grid/imports/1/activate',
    'POST /findings/{id}/actions': `/findings/${finding.body.id}/actions`,
    'POST /plans/{id}/tasks/{taskId}/reassign': `/plans/${task.planId}/tasks/${encodeURIComponent(task.id)}/reassign`,
    'POST /plans/{id}/publish': `/plans/${plan.body.id}/publish`,
    'PUT /cells/{id}/priority': `/cells/${cell}/priority`,
    'POST /tasks/{id}/check-in': `/tasks/${encodeURIComponent(task.id)}/check-in`,
    'POST /tasks/{id}/complete': `/tasks/${encodeURIComponent(task.id)}/complete`,
    'POST /baselines/{id}/current': `/baselines/${baseline.body.id}/current`,
  };
  pathOf = (route) => ids[routeKey(route)] ?? route.path;
  good = {
    ...reportBody(point),
    name: '模糊测试员',
    role: 'grid_worker',
    office: 'office-east',
    cells: [cell],
    capacity: 3,
    expectedVersion: 1,
    deadline: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    department: api.config.departments[0]?.id,
    receiptNo: 'WJ-0001',
    outcome: 'ceased',
    reason: 'not_found',
    note: '现场核查说明',
    weekStart: nextMonday,
    label: '模糊测试基线',
    asOf: today,
    priority: 2,
    officerId: 'officer-li',
    force: true,
  };
}, 120_000);

afterAll(async () => {
  await api?.close();
});

function nextMondayAfter(date: string): string {
  let d = addDays(date, 1);
  while (new Date(`${d}T12:00:00Z`).getUTCDay() !== 1) d = addDays(d, 1);
  return d;
}

// ---------------------------------------------------------------------------------------------
// What is sent

/**
 * A token JSON.stringify cannot write (-0, 1e309, a 100,000-deep array) travels as a string with
 * this prefix and is spliced into the text raw.
 */
const RAW = '\u0000raw:';
const raw = (token: string) => `${RAW}${token}`;
const spliceRaw = (text: string) =>
  text.replace(/"\\u0000raw:((?:[^"\\]|\\.)*)"/g, (_, inner: string) => JSON.parse(`"${inner}"`));

/** A huge string is described, not held, until it is sent (see CHUNK). */
interface Huge {
  readonly huge: string;
  readonly times: number;
}
const isHuge = (v: unknown): v is Huge => typeof v === 'object' && v !== null && 'huge' in v;

/** Any UTF-16 code unit, lone surrogates included. */
const anyUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 24,
});

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  // wrong types and nulls
  fc.constantFrom(null, true, false, 0, -1, 1.5, [], {}, [null], { a: 1 }, [[]], 'x'),
  // numbers written as strings, and strings that look like other things
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '-0',
    '1e309',
    '0x1F',
    ' 1 ',
    '',
    ' ',
    'null',
    'true',
    '[]',
  ),
  // numbers JSON.stringify cannot write, or that lose precision
  fc.constantFrom(
    raw('-0'),
    raw('1e309'),
    raw('-1e309'),
    raw('1e-400'),
    raw('123456789012345678901234567890'),
    raw('1.0000000000000000000000001'),
  ),
  // numbers at and just past the bounds of the schemas
  fc.constantFrom(
    -180,
    180,
    -180.0000001,
    180.0000001,
    -90,
    90.0000001,
    10_000,
    10_000.0001,
    100,
    101,
    5,
    6,
    0.5,
    2 ** 31,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
  fc.double(),
  fc.integer(),
  // huge strings, of one- and two-unit characters and of invisible ones
  fc.record({
    huge: fc.constantFrom('x', '名', '😀', '\u200b', '\u202e'),
    times: fc.integer({ min: 1_000, max: 400_000 }),
  }),
  // deep nesting
  fc
    .integer({ min: 50, max: 100_000 })
    .chain((d) =>
      fc.constantFrom(raw('['.repeat(d) + ']'.repeat(d)), raw(`${'{"a":'.repeat(d)}1${'}'.repeat(d)}`)),
    ),
  // unicode edge cases
  fc.constantFrom(
    '\ud800',
    '\udfff',
    'a\ud800b',
    '\udc00\ud800',
    '\u202eevil.exe',
    '\u200b',
    '\u200d\u200d',
    '\ufeff',
    '\u0000',
    '\u001f',
    '\ufffd',
    'e\u0301\u0301\u0301',
    '\u{10ffff}',
    'Ａ１２３',
    '\u2028\u2029',
    'ﷺ',
    '١٢٣',
  ),
  anyUnits,
  // dates and instants at the edges of the calendar
  fc.constantFrom(
    '2026-02-30',
    '2026-13-01',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59+14:00',
    '2026-12-07T24:00:00+08:00',
    '+275760-09-13T00:00:00.000Z',
    '2026-12-07T00:00:00+99:00',
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Keys slipped into an object: prototype pollution, the table's own attribute names, random ones. */
const extraKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'pk',
    'sk',
    'version',
  ),
  fc.string({ maxLength: 12 }),
);
const extraValue = fc.oneof(
  wrongValue,
  fc.constant({ polluted: true }),
  fc.constant({ prototype: { polluted: true } }),
);

type Mutation =
  | { kind: 'set'; at: JsonPath; value: unknown }
  | { kind: 'drop'; at: JsonPath }
  | { kind: 'extra'; at: JsonPath; key: string; value: unknown };

interface Case {
  readonly route: RouteDef;
  readonly caller: string | null;
  readonly idempotencyKey: string | undefined;
  readonly contentType: string | undefined;
  readonly body:
    | { kind: 'mutated'; variant: number; fillOptional: boolean; mutation: Mutation }
    | { kind: 'json'; value: unknown }
    | { kind: 'truncated'; variant: number; cut: number }
    | { kind: 'bytes'; bytes: Uint8Array };
}

const ALLOWED_SHARE = 0.85;

function callerArb(route: RouteDef): fc.Arbitrary<string | null> {
  const allowed = route.roles === 'public' ? ROLES : route.roles;
  const others = ROLES.filter((r) => !allowed.includes(r));
  const as = (roles: readonly Role[]) => fc.constantFrom(...roles.map((r) => DEMO_AS[r]));
  return fc.oneof(
    { arbitrary: as(allowed), weight: Math.round(ALLOWED_SHARE * 100) - 3 },
    ...(others.length > 0 ? [{ arbitrary: as(others), weight: Math.round((1 - ALLOWED_SHARE) * 100) }] : []),
    { arbitrary: fc.constant(null), weight: 3 },
  );
}

function mutationArb(variant: ReturnType<typeof variantsOf>[number]): fc.Arbitrary<Mutation> {
  const fields = fieldsOf(variant);
  const objects = objectsOf(variant).map((o) => o.path);
  const arbs: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('set' as const), at: fc.constant<JsonPath>([]), value: wrongValue }),
    fc.record({
      kind: fc.constant('extra' as const),
      at: fc.constantFrom(...objects),
      key: extraKey,
      value: extraValue,
    }),
  ];
  if (fields.length > 0)
    arbs.push(
      fc.record({ kind: fc.constant('set' as const), at: fc.constantFrom(...fields), value: wrongValue }),
      fc.record({ kind: fc.constant('set' as const), at: fc.constantFrom(...fields), value: wrongValue }),
      fc.record({ kind: fc.constant('set' as const), at: fc.constantFrom(...fields), value: wrongValue }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.constantFrom(...fields) }),
    );
  return fc.oneof(...arbs);
}

function caseArb(route: RouteDef): fc.Arbitrary<Case> {
  const variants = route.request?.body ? variantsOf(route.request.body) : [];
  const bodyArbs: fc.WeightedArbitrary<Case['body']>[] = [
    { arbitrary: fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue() }), weight: 10 },
    {
      arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 600 }) }),
      weight: 5,
    },
  ];
  if (variants.length > 0) {
    const variant = fc.nat({ max: variants.length - 1 });
    bodyArbs.push(
      {
        arbitrary: variant.chain((v) =>
          fc.record({
            kind: fc.constant('mutated' as const),
            variant: fc.constant(v),
            fillOptional: fc.boolean(),
            mutation: mutationArb(variants[v] as (typeof variants)[number]),
          }),
        ),
        weight: 80,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant('truncated' as const),
          variant,
          cut: fc.nat({ max: 400 }),
        }),
        weight: 5,
      },
    );
  }
  return fc.record({
    route: fc.constant(route),
    caller: callerArb(route),
    idempotencyKey: fc.oneof(
      { arbitrary: fc.uuid().map((u) => `fuzz-${u}`), weight: 85 },
      { arbitrary: fc.constant(undefined), weight: 8 },
      { arbitrary: fc.constantFrom('short', 'x'.repeat(200), 'with space key'), weight: 7 },
    ),
    contentType: fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 90 },
      {
        arbitrary: fc.constantFrom(
          undefined,
          'text/plain',
          'application/json; charset=utf-16',
          'application/vnd.api+json',
          'multipart/form-data; boundary=x',
        ),
        weight: 10,
      },
    ),
    body: fc.oneof(...bodyArbs),
  });
}

const allCases = fc.oneof(...WRITE_ROUTES.map(caseArb));

/**
 * A body of the variant that should pass its schema: its required fields, and with `fillOptional`
 * its optional ones, filled from `good` by field name where the sample's placeholder would not do.
 */
function validIsh(variant: ReturnType<typeof variantsOf>[number], fillOptional: boolean): unknown {
  let body = sampleOf(variant);
  for (const at of fieldsOf(variant)) {
    const name = at[at.length - 1];
    if (typeof name !== 'string' || !(name in good) || at.some((p) => typeof p === 'number')) continue;
    const present = getAt(body, at.slice(0, -1)) as Record<string, unknown> | undefined;
    if (present === undefined || (!(name in present) && !fillOptional)) continue;
    body = withValue(body, at, good[name]);
  }
  return body;
}

function getAt(value: unknown, at: JsonPath): unknown {
  let v = value;
  for (const p of at) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

const materialise = (v: unknown): unknown => (isHuge(v) ? v.huge.repeat(v.times) : v);

function applyMutation(body: unknown, m: Mutation): unknown {
  switch (m.kind) {
    case 'set':
      return withValue(body, m.at, materialise(m.value));
    case 'drop':
      return withValue(body, m.at, undefined);
    case 'extra': {
      const target = m.at.length === 0 ? body : getAt(body, m.at);
      const copy = structuredClone(body);
      const into = m.at.length === 0 ? copy : getAt(copy, m.at);
      if (target === null || typeof target !== 'object' || into === null || typeof into !== 'object')
        return withValue(copy, m.at, { [m.key]: materialise(m.value) });
      // defineProperty, not assignment: `o.__proto__ = v` would set the prototype, not send a key.
      Object.defineProperty(into, m.key, {
        value: materialise(m.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return copy;
    }
  }
}

/** The request's body as sent. */
function bodyOf(c: Case): string | Buffer | undefined {
  const variants = c.route.request?.body ? variantsOf(c.route.request.body) : [];
  const b = c.body;
  switch (b.kind) {
    case 'json':
      return JSON.stringify(b.value);
    case 'bytes':
      return Buffer.from(b.bytes);
    case 'truncated': {
      const text = JSON.stringify(validIsh(variants[b.variant] as (typeof variants)[number], true));
      return text.slice(0, Math.min(b.cut, Math.max(0, text.length - 1)));
    }
    case 'mutated': {
      const base = validIsh(variants[b.variant] as (typeof variants)[number], b.fillOptional);
      return spliceRaw(JSON.stringify(applyMutation(base, b.mutation)) ?? '');
    }
  }
}

function describeCase(c: Case, sent: string | Buffer | undefined): string {
  const text = Buffer.isBuffer(sent) ? `<${sent.length} bytes>` : (sent ?? '');
  const mutation =
    c.body.kind === 'mutated' ? ` ${c.body.mutation.kind} ${JSON.stringify(c.body.mutation.at)}` : '';
  return `${routeKey(c.route)} as ${c.caller ?? 'nobody'} [${c.body.kind}${mutation}] ${text.slice(0, 300)}`;
}

// ---------------------------------------------------------------------------------------------
// What must hold of every answer

/** Attribute and parameter names of DynamoDB that must never reach a client as JSON keys. */
const STORE_KEYS = new Set([
  'pk',
  'sk',
  ...[1, 2, 3, 4, 5].flatMap((i) => [`gsi${i}pk`, `gsi${i}sk`]),
  'Item',
  'Items',
  'LastEvaluatedKey',
  'ExclusiveStartKey',
  'ConditionExpression',
  'TableName',
]);

function keysOf(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  return out;
}

/** What is wrong with an answer; the request's own text may be echoed, so a needle it holds is skipped. */
function problemsOf(res: TestResponse, sent: string | Buffer | undefined): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (res.status >= 400) {
    const e = res.body?.error;
    const shaped =
      typeof e?.code === 'string' &&
      typeof e.message === 'string' &&
      Array.isArray(e.details) &&
      e.details.every(
        (d: unknown) =>
          typeof (d as { path?: unknown }).path === 'string' &&
          typeof (d as { message?: unknown }).message === 'string',
      );
    if (!shaped) problems.push(`not a house-shaped JSON error: ${res.text.slice(0, 200)}`);
  }
  const request = Buffer.isBuffer(sent) ? sent.toString('latin1') : (sent ?? '');
  for (const needle of [
    '/work',
    'node_modules',
    '.ts:',
    api.tableName,
    'ConditionExpression',
    'LastEvaluatedKey',
  ])
    if (res.text.includes(needle) && !request.includes(needle)) problems.push(`leaks '${needle}'`);
  if (/\n\s+at .+:\d+:\d+/.test(res.text) || /\bat [\w.<>]+ \(/.test(res.text))
    problems.push('carries a stack trace');
  if (res.body !== undefined) {
    const leaked = [...keysOf(res.body)].filter((k) => STORE_KEYS.has(k));
    if (leaked.length > 0) problems.push(`store keys as JSON keys: ${leaked.join(', ')}`);
  }
  return problems;
}

async function send(c: Case): Promise<{ res: TestResponse; sent: string | Buffer | undefined }> {
  const sent = bodyOf(c);
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (c.idempotencyKey !== undefined) headers['idempotency-key'] = c.idempotencyKey;
  const res = await api.call(c.route.method, pathOf(c.route), {
    ...(c.caller !== null ? { as: c.caller } : {}),
    headers,
    ...(sent !== undefined ? { rawBody: sent } : {}),
  });
  return { res, sent };
}

/** `global.gc`, made available at run time when the process was not started with --expose-gc. */
function exposeGc(): (() => void) | undefined {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const MB = 1024 * 1024;

describe('fuzzed bodies on every write route', () => {
  it('covers every write route of the manifest', () => {
    expect(WRITE_ROUTES.map(routeKey)).toEqual(
      expect.arrayContaining(['POST /findings', 'POST /findings/{id}/actions', 'PUT /people/{id}']),
    );
    expect(WRITE_ROUTES.length).toBeGreaterThanOrEqual(13);
  });

  it(`answers ${BODIES} bodies below 500, as house errors, leaking nothing, in bounded memory (seed ${SEED})`, async () => {
    const gc = exposeGc();
    const started = Date.now();
    const statuses = new Map<number, number>();
    const byRoute = new Map<string, number>();
    const failures: string[] = [];
    let sentCount = 0;
    let before: NodeJS.MemoryUsage | undefined;

    for (let chunk = 0; sentCount < BODIES; chunk++) {
      const n = Math.min(CHUNK, BODIES - sentCount);
      const cases = fc.sample(allCases, { seed: SEED + chunk, numRuns: n });
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < cases.length; i = next++) {
          const c = cases[i] as Case;
          const { res, sent } = await send(c);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          byRoute.set(routeKey(c.route), (byRoute.get(routeKey(c.route)) ?? 0) + 1);
          const problems = problemsOf(res, sent);
          if (problems.length > 0 && failures.length < 50)
            failures.push(
              `#${sentCount + i} (seed ${SEED}, chunk ${chunk}): ${problems.join('; ')}\n    ${describeCase(c, sent)}\n    → ${res.status} ${res.text.slice(0, 300)}`,
            );
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      sentCount += n;
      // The first chunk warms caches, connections and compiled code; growth is measured from here.
      if (chunk === 0) {
        gc?.();
        before = process.memoryUsage();
      }
    }
    gc?.();
    const after = process.memoryUsage();
    const seconds = (Date.now() - started) / 1000;
    const heapGrowth = (after.heapUsed - (before?.heapUsed ?? 0)) / MB;
    const rssGrowth = (after.rss - (before?.rss ?? 0)) / MB;
    console.info(
      `fuzz: ${sentCount} bodies in ${seconds.toFixed(1)} s (seed ${SEED}); statuses ${JSON.stringify(
        Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      )}; per route ${JSON.stringify(Object.fromEntries(byRoute))}; heap ${heapGrowth.toFixed(1)} MB, rss ${rssGrowth.toFixed(1)} MB growth${gc ? ' after GC' : ' (no GC available)'}`,
    );

    expect(failures, `seed ${SEED}: replay with FUZZ_SEED=${SEED}`).toEqual([]);
    expect(byRoute.size).toBe(WRITE_ROUTES.length);
    // After a GC the heap holds only what the server keeps (caches bounded by design), so 150 MB is a
    // wide margin. Without a GC the heap may still hold the garbage of the last chunks (up to a few
    // huge bodies of ~1 MB each per request in flight); RSS also keeps freed pages, hence the looser bound.
    expect(heapGrowth).toBeLessThan(gc ? 150 : 400);
    expect(rssGrowth).toBeLessThan(gc ? 400 : 800);
  }, 900_000);
});

/**
 * Defects the fuzzer found, kept as small cases. DynamoDB stores no number of magnitude below 1e-130
 * but 0: a subnormal accuracy or coordinate (5e-323) passed the schema and failed the write as a 500.
 */
describe('numbers too close to 0 to store', () => {
  it('POST /findings: a 400 naming the field, and nothing written', async () => {
    const before = (await api.call('GET', '/me/findings?limit=100', { as: 'admin' })).body.items.length;
    for (const [field, value] of [
      ['accuracyM', '5e-323'],
      ['lon', '1e-200'],
      ['lat', '-1e-131'],
    ] as const) {
      const body = { ...reportBody(point, '极小数小吃店'), [field]: raw(value) };
      const res = await api.call('POST', '/findings', {
        as: 'admin',
        rawBody: spliceRaw(JSON.stringify(body)),
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      });
      expect(res.status, field).toBe(400);
      expect(res.body.error.details).toEqual([
        { path: `body.${field}`, message: expect.stringMatching(/too close to 0/) },
      ]);
    }
    const after = (await api.call('GET', '/me/findings?limit=100', { as: 'admin' })).body.items.length;
    expect(after).toBe(before);
  });

  it('POST /tasks/{id}/check-in: a 400 naming the field', async () => {
    const res = await api.call(
      'POST',
      pathOf(WRITE_ROUTES.find((r) => r.operationId === 'checkInTask') as RouteDef),
      {
        as: 'worker-liu',
        rawBody: spliceRaw(JSON.stringify({ ...point, accuracyM: raw('5e-324') })),
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: 'body.accuracyM', message: expect.stringMatching(/too close to 0/) },
    ]);
  });
});
