/**
 * Exports (issue 7) through the local server over the demo seed: each export answers 303 See Other
 * to a signed URL of a file that a CSV parser (csv-parse) and a GeoJSON validator
 * (@placemarkio/check-geojson) read without errors, and whose rows are exactly what GET /findings,
 * GET /cells and GET /plans/{id} list for the same area. Chinese names, a name with a comma, a
 * quote and a line break, and names that look like spreadsheet formulas; who may export which area;
 * bad queries; tampered and expired download links. The exports bucket is the local S3's (s3rver,
 * docs/decisions/0056): links are real presigned GETs, refused as S3 refuses them.
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FINDING_EXPORT_COLUMNS, TASK_EXPORT_COLUMNS, TERMINAL_STATUSES } from '@gridpatrol/core';
import { objectStore } from '@gridpatrol/functions/exports/object-store';
import { EXPORT_URL_TTL_MS } from '@gridpatrol/functions/exports/run';
import { s3 } from '@gridpatrol/functions/s3-client';
import { expireExports, LOCAL_EXPORTS_BUCKET } from '@gridpatrol/local';
import { getIssues } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { type CellPoint, pointInCell } from '../support/points';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

const NAMES = {
  chinese: '张三小吃店（城东分店）',
  tricky: 'Café "Big", Ltd.\nBranch 2',
  formula: '=HYPERLINK("http://evil.example","点我")',
  plus: '+86 网吧',
  at: '@SUM(A1) 废品回收',
};
/** A name is one line: its line break is stored as a space (decision 0020, core `Text`). */
const TRICKY_STORED = 'Café "Big", Ltd. Branch 2';

let api: TestApi;
let east: CellPoint;
let west: CellPoint;
let westZone: string;
let liZone: string;
const ids = {} as Record<'chinese' | 'tricky' | 'formula' | 'plus' | 'at' | 'west', string>;

async function report(as: string, p: { lon: number; lat: number }, name: string, address = '示范路 1 号') {
  const res = await api.call('POST', '/findings', {
    as,
    body: {
      lon: p.lon,
      lat: p.lat,
      address,
      businessName: name,
      businessType: 'grocery',
      kind: 'unlicensed',
    },
    headers: { 'idempotency-key': randomUUID() },
  });
  if (res.status !== 201) throw new Error(`report: ${res.status} ${res.text}`);
  return res.body.id as string;
}

async function act(id: string, body: Record<string, unknown>) {
  const res = await api.call('POST', `/findings/${id}/actions`, { as: 'admin', body });
  if (res.status !== 200) throw new Error(`act: ${res.status} ${res.text}`);
  return res.body;
}

interface Exported {
  out: Json;
  file: Buffer;
  text: string;
  headers: Headers;
}

/** An export: the 303 and its body, then the file its Location names (fetched without a token). */
async function exported(pathAndQuery: string, as: string): Promise<Exported> {
  // The cells export carries counters, which follow the stream: fold what was written first.
  await api.settle();
  // These tests check every machine column against the record: the CSVs' data form (issue 16.4
  // made the clerk's sheet the default; test/unit/export-sheets.test.ts checks that one).
  const [path = '', search = ''] = pathAndQuery.split('?');
  const query = path.endsWith('.csv')
    ? `?${search}${search ? '&' : ''}form=data`
    : search
      ? `?${search}`
      : '';
  const res = await fetch(`${api.url}${path}${query}`, {
    headers: { authorization: `Bearer ${await api.token(as)}` },
    redirect: 'manual',
  });
  const out: Json = await res.json();
  expect(res.status, JSON.stringify(out)).toBe(303);
  expect(res.headers.get('location')).toBe(out.url);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(Date.parse(out.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
  const download = await fetch(out.url);
  expect(download.status).toBe(200);
  const file = Buffer.from(await download.arrayBuffer());
  expect(file.length).toBe(out.bytes);
  expect(download.headers.get('content-type')).toBe(out.contentType);
  return { out, file, text: file.toString('utf8'), headers: download.headers };
}

const csvRows = (text: string): Record<string, string>[] =>
  parse(text, { bom: true, columns: true, record_delimiter: '\r\n', relax_quotes: false });

/** Every page of a list route. */
async function listAll(pathAndQuery: string, as: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | undefined;
  do {
    const sep = pathAndQuery.includes('?') ? '&' : '?';
    const res = await api.call(
      'GET',
      `${pathAndQuery}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { as },
    );
    if (res.status !== 200) throw new Error(`${pathAndQuery}: ${res.status} ${res.text}`);
    items.push(...res.body.items);
    cursor = res.body.cursor;
  } while (cursor);
  return items;
}

/** The CSV text of one value of a finding as the export writes it (formula-looking text escaped). */
function csvValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return String(v);
}

/** Shanghai has no daylight saving: the local date is the UTC instant plus eight hours. */
const shanghaiDate = (instant: string) =>
  new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);

function expectRowIsFinding(row: Record<string, string>, f: Json) {
  for (const column of FINDING_EXPORT_COLUMNS) {
    // photoCount and photoFlags (issue 14) are the photos' count and flags: none here.
    const want =
      column === 'reportedDate'
        ? shanghaiDate(f.reportedAt)
        : column === 'photoCount'
          ? String(f.photos.length)
          : csvValue(f[column]);
    expect(row[column], `${f.id} ${column}`).toBe(want);
  }
}

beforeAll(async () => {
  api = await startTestApi('demo');
  const get = async (p: string) => (await api.call('GET', p, { as: 'admin' })).body;
  const liu = await get('/people/worker-liu');
  const he = await get('/people/worker-he');
  liZone = (await get('/people/officer-li')).zones[0];
  westZone = (await get('/people/officer-wang')).zones[0];
  const a = await pointInCell(get, liu.cells[0]);
  const b = await pointInCell(get, he.cells[0]);
  if (!a || !b) throw new Error('no interior points');
  east = a;
  west = b;
  ids.chinese = await report('worker-liu', east, NAMES.chinese, '城东区解放路 12 号, 2 楼');
  ids.tricky = await report('worker-liu', east, NAMES.tricky);
  ids.formula = await report('worker-liu', east, NAMES.formula);
  ids.plus = await report('admin', east, NAMES.plus, '-3 号');
  ids.at = await report('admin', east, NAMES.at);
  ids.west = await report('worker-he', west, '西区杂货铺');
  await act(ids.chinese, { action: 'verify', expectedVersion: 1 });
  await act(ids.plus, { action: 'reject', expectedVersion: 1, reason: 'not_found' });
}, 120_000);

afterAll(async () => {
  await api?.close();
});

/** The keys in the local exports bucket, read as any S3 client reads them. */
async function bucketKeys(): Promise<string[]> {
  const page = await (await s3()).send(new ListObjectsV2Command({ Bucket: LOCAL_EXPORTS_BUCKET }));
  return (page.Contents ?? []).map((o) => o.Key ?? '').sort();
}

/** S3's XML error code. */
const s3ErrorCode = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];

describe('findings.csv', () => {
  it('is UTF-8 with a BOM and CRLF, parses, and holds exactly the findings GET /findings lists for the office', async () => {
    const { out, file, text, headers } = await exported('/exports/findings.csv', 'sup-east');
    expect(out).toMatchObject({ scope: 'office:office-east', contentType: 'text/csv; charset=utf-8' });
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.slice(1, text.indexOf('\r\n'))).toBe(FINDING_EXPORT_COLUMNS.join(','));
    expect(out.filename).toMatch(/^findings_office-office-east_\d{4}-\d{2}-\d{2}\.csv$/);
    expect(headers.get('content-disposition')).toContain(`filename="${out.filename}"`);

    const rows = csvRows(text);
    expect(rows).toHaveLength(out.rows);
    const zones = (await listAll('/zones', 'sup-east')).map((z) => z.id);
    const listed = (await Promise.all(zones.map((z) => listAll(`/findings?zone=${z}`, 'sup-east')))).flat();
    expect(rows.map((r) => r.id).sort()).toEqual(listed.map((f) => f.id).sort());
    const byId = new Map(listed.map((f) => [f.id, f]));
    for (const row of rows) expectRowIsFinding(row, byId.get(row.id));
    expect(rows.map((r) => r.id)).not.toContain(ids.west);
  });

  it('round-trips Chinese names, a comma and a quote; formula-looking text becomes text', async () => {
    const { text } = await exported(`/exports/findings.csv?scope=cell:${east.cell}`, 'worker-liu');
    const rows = new Map(csvRows(text).map((r) => [r.id, r]));
    expect(rows.get(ids.chinese)?.businessName).toBe(NAMES.chinese);
    expect(rows.get(ids.chinese)?.address).toBe('城东区解放路 12 号, 2 楼');
    expect(rows.get(ids.chinese)?.status).toBe('verified');
    expect(rows.get(ids.tricky)?.businessName).toBe(TRICKY_STORED);
    expect(text).toContain('"Café ""Big"", Ltd. Branch 2"');
    expect(rows.get(ids.formula)?.businessName).toBe(`'${NAMES.formula}`);
    expect(rows.get(ids.plus)?.businessName).toBe(`'${NAMES.plus}`);
    expect(rows.get(ids.plus)?.address).toBe("'-3 号");
    expect(rows.get(ids.plus)).toMatchObject({ status: 'rejected', rejectReason: 'not_found' });
    expect(rows.get(ids.at)?.businessName).toBe(`'${NAMES.at}`);
    // Numbers stay numbers: a longitude is never escaped.
    expect(Number(rows.get(ids.at)?.lon)).toBeCloseTo(east.lon, 9);
    // Every row of the cell, as GET /findings?cell= lists them.
    const listed = await listAll(`/findings?cell=${east.cell}`, 'worker-liu');
    expect([...rows.keys()].sort()).toEqual(listed.map((f) => f.id).sort());
    for (const f of listed) expectRowIsFinding(rows.get(f.id) ?? {}, f);
  });

  it('defaults to the caller’s own area: the city for an admin, the zones of an officer', async () => {
    const city = await exported('/exports/findings.csv', 'admin');
    expect(city.out.scope).toBe('city');
    const cityIds = csvRows(city.text).map((r) => r.id);
    for (const id of Object.values(ids)) expect(cityIds).toContain(id);
    expect(new Set(cityIds).size).toBe(cityIds.length);

    const officer = await exported('/exports/findings.csv', 'officer-li');
    expect(officer.out.scope).toBe('mine');
    const listed = await listAll('/findings', 'officer-li');
    expect(
      csvRows(officer.text)
        .map((r) => r.id)
        .sort(),
    ).toEqual(listed.map((f) => f.id).sort());
  });

  it('selects by report date in the city time zone', async () => {
    const reportedAt = (await api.call('GET', `/findings/${ids.chinese}`, { as: 'admin' })).body.reportedAt;
    const today = shanghaiDate(reportedAt);
    const some = await exported(
      `/exports/findings.csv?scope=cell:${east.cell}&from=${today}&to=${today}`,
      'admin',
    );
    expect(csvRows(some.text).map((r) => r.id)).toContain(ids.chinese);
    const none = await exported(`/exports/findings.csv?scope=cell:${east.cell}&to=2020-01-01`, 'admin');
    expect(none.out.rows).toBe(0);
    expect(csvRows(none.text)).toEqual([]);
    expect(none.text).toBe(`\uFEFF${FINDING_EXPORT_COLUMNS.join(',')}\r\n`);
  });
});

describe('findings.geojson', () => {
  it('is a valid FeatureCollection of Points carrying the CSV columns, the same findings as the CSV', async () => {
    const { out, text } = await exported(`/exports/findings.geojson?scope=zone:${liZone}`, 'officer-li');
    expect(out.contentType).toBe('application/geo+json');
    expect(getIssues(text), text.slice(0, 2000)).toEqual([]);
    const fc = JSON.parse(text);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(out.rows);
    const csv = await exported(`/exports/findings.csv?scope=zone:${liZone}`, 'officer-li');
    const rows = new Map(csvRows(csv.text).map((r) => [r.id, r]));
    expect(fc.features.map((f: Json) => f.properties.id).sort()).toEqual([...rows.keys()].sort());
    for (const feature of fc.features) {
      const [lon, lat] = feature.geometry.coordinates;
      expect(feature.geometry.type).toBe('Point');
      expect(lon).toBeGreaterThanOrEqual(-180);
      expect(lat).toBeLessThanOrEqual(90);
      const row = rows.get(feature.properties.id);
      expect(String(lon)).toBe(row?.lon);
      expect(String(lat)).toBe(row?.lat);
      expect(Object.keys(feature.properties)).toEqual(
        FINDING_EXPORT_COLUMNS.filter((c) => c !== 'lon' && c !== 'lat'),
      );
    }
  });

  it('keeps names as they were typed (no spreadsheet escaping in GeoJSON)', async () => {
    const { text } = await exported(`/exports/findings.geojson?scope=cell:${east.cell}`, 'admin');
    expect(getIssues(text)).toEqual([]);
    const byId = new Map(JSON.parse(text).features.map((f: Json) => [f.properties.id, f.properties]));
    expect((byId.get(ids.formula) as Json).businessName).toBe(NAMES.formula);
    expect((byId.get(ids.tricky) as Json).businessName).toBe(TRICKY_STORED);
    expect((byId.get(ids.chinese) as Json).verifiedAt).toEqual(expect.any(String));
    expect((byId.get(ids.tricky) as Json).verifiedAt).toBeNull();
  });
});

describe('cells.geojson', () => {
  it('has every cell of the office with its live numbers, and the baseline and reduction once there is one', async () => {
    const before = await exported('/exports/cells.geojson', 'sup-east');
    expect(before.out.scope).toBe('office:office-east');
    expect(getIssues(before.text)).toEqual([]);
    const listed = await listAll('/cells', 'sup-east');
    const features = JSON.parse(before.text).features as Json[];
    expect(features.map((f) => f.properties.id).sort()).toEqual(listed.map((c) => c.id).sort());
    expect(before.out.rows).toBe(listed.length);

    const inCell = (await listAll(`/findings?cell=${east.cell}`, 'admin')) as Json[];
    const open = inCell.filter((f) => !(TERMINAL_STATUSES as readonly string[]).includes(f.status)).length;
    const cell = features.find((f) => f.properties.id === east.cell)?.properties;
    expect(cell).toMatchObject({
      total: inCell.length,
      open,
      status_reported: inCell.filter((f) => f.status === 'reported').length,
      status_verified: 1,
      status_rejected: 1,
      baseline: null,
      reduction: null,
      reduction_pct: null,
      officeId: 'office-east',
    });
    expect(cell.census).toBe(inCell.length - 1);
    // Flat numbers a choropleth can colour by: zeros, not missing, in a cell with no finding.
    const quiet = features.find((f) => f.properties.total === 0)?.properties;
    expect(quiet).toMatchObject({ open: 0, overdue: 0, status_closed: 0, tasks_joint: 0, census: 0 });

    await api.settle();
    const baseline = await api.call('POST', '/baselines', {
      as: 'admin',
      body: { label: '导出测试', asOf: '2026-01-01' },
    });
    expect(baseline.status).toBe(201);
    await act(ids.tricky, { action: 'verify', expectedVersion: 1 });
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await act(ids.tricky, { action: 'order_rectification', expectedVersion: 2, deadline });
    await act(ids.tricky, { action: 'resolve', expectedVersion: 3, outcome: 'ceased' });
    const after = await exported(`/exports/cells.geojson?scope=cell:${east.cell}`, 'worker-liu');
    expect(getIssues(after.text)).toEqual([]);
    const props = JSON.parse(after.text).features[0].properties;
    expect(props.baseline).toBe(cell.census);
    expect(props.remaining).toBe(open - 1);
    expect(props.reduction).toBe(props.baseline - props.remaining);
    expect(props.reduction_pct).toBe(Math.round((props.reduction / props.baseline) * 1000) / 10);
  });
});

describe('tasks.csv', () => {
  let week: string;
  let planTasks: Json[];

  beforeAll(async () => {
    const monday = new Date();
    monday.setUTCDate(monday.getUTCDate() + 42 - ((monday.getUTCDay() + 6) % 7));
    week = monday.toISOString().slice(0, 10);
    const plan = await api.call('POST', '/plans', { as: 'sup-east', body: { weekStart: week } });
    if (plan.status !== 201) throw new Error(`plan: ${plan.status} ${plan.text}`);
    const published = await api.call('POST', `/plans/${plan.body.id}/publish`, { as: 'sup-east' });
    if (published.status !== 200) throw new Error(`publish: ${published.status} ${published.text}`);
    planTasks = [];
    let cursor: string | undefined;
    do {
      const page = await api.call(
        'GET',
        `/plans/${plan.body.id}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
        { as: 'sup-east' },
      );
      planTasks.push(...page.body.tasks);
      cursor = page.body.cursor;
    } while (cursor);
    // A west draft: its tasks are no one's yet and never exported.
    const draft = await api.call('POST', '/plans', {
      as: 'admin',
      body: { weekStart: week, office: 'office-west' },
    });
    if (draft.status !== 201) throw new Error(`west draft: ${draft.status} ${draft.text}`);
  });

  it('lists the published tasks of the office in the date range, as GET /plans/{id} has them', async () => {
    const { out, text } = await exported(`/exports/tasks.csv?from=${week}`, 'sup-east');
    const rows = csvRows(text);
    expect(Object.keys(rows[0] ?? {})).toEqual([...TASK_EXPORT_COLUMNS]);
    expect(rows).toHaveLength(out.rows);
    expect(rows.map((r) => r.id).sort()).toEqual(planTasks.map((t) => t.id).sort());
    const byId = new Map(planTasks.map((t) => [t.id, t]));
    for (const row of rows) {
      const t = byId.get(row.id);
      expect(row).toMatchObject({
        date: t.date,
        shift: t.shift,
        cellId: t.cellId,
        zoneId: t.zoneId,
        officerId: t.officerId,
        partnerId: t.partnerId,
        status: 'assigned',
        joint: '',
        completedAt: '',
      });
    }
  });

  it('narrows by date and by the officer’s zones; leaves draft plans out', async () => {
    const day = planTasks[0].date;
    const oneDay = csvRows((await exported(`/exports/tasks.csv?from=${day}&to=${day}`, 'sup-east')).text);
    expect(oneDay.map((r) => r.id).sort()).toEqual(
      planTasks
        .filter((t) => t.date === day)
        .map((t) => t.id)
        .sort(),
    );

    const mine = csvRows((await exported(`/exports/tasks.csv?from=${week}`, 'officer-li')).text);
    expect(mine.map((r) => r.id).sort()).toEqual(
      planTasks
        .filter((t) => t.zoneId === liZone)
        .map((t) => t.id)
        .sort(),
    );

    const city = csvRows((await exported(`/exports/tasks.csv?from=${week}`, 'admin')).text);
    expect(city.map((r) => r.id).sort()).toEqual(planTasks.map((t) => t.id).sort());
  });
});

describe('who may export what', () => {
  const status = async (pathAndQuery: string, as: string) => {
    const res = await fetch(`${api.url}${pathAndQuery}`, {
      headers: { authorization: `Bearer ${await api.token(as)}` },
      redirect: 'manual',
    });
    const body: Json = await res.json();
    return { status: res.status, body };
  };

  it('refuses volunteers, and tasks to grid people (403)', async () => {
    expect((await status('/exports/findings.csv', 'volunteer-zhou')).status).toBe(403);
    expect((await status('/exports/cells.geojson', 'volunteer-zhou')).status).toBe(403);
    expect((await status('/exports/tasks.csv', 'worker-liu')).status).toBe(403);
  });

  it('answers an area outside the caller’s as missing (404)', async () => {
    for (const [q, as] of [
      ['scope=office:office-west', 'sup-east'],
      ['scope=city', 'sup-east'],
      [`scope=zone:${westZone}`, 'officer-li'],
      [`scope=cell:${west.cell}`, 'worker-liu'],
      ['scope=office:office-east', 'officer-li'],
      ['scope=office:office-nowhere', 'admin'],
      ['scope=zone:Z-nowhere', 'admin'],
    ] as const) {
      const res = await status(`/exports/findings.csv?${q}`, as);
      expect(res.status, `${q} as ${as}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await status(`/exports/cells.geojson?scope=zone:${westZone}`, 'sup-east')).status).toBe(404);
    expect((await status(`/exports/tasks.csv?scope=zone:${westZone}`, 'officer-li')).status).toBe(404);
  });

  it('refuses a bad query with a 400 naming the field', async () => {
    for (const [p, field] of [
      ['/exports/findings.csv?scope=region:1', 'query.scope'],
      ['/exports/findings.csv?from=yesterday', 'query.from'],
      ['/exports/findings.csv?from=2026-11-02&to=2026-11-01', 'query.to'],
      ['/exports/tasks.csv?from=2026-13-01', 'query.from'],
      ['/exports/tasks.csv?from=2026-11-02&to=2026-11-01', 'query.to'],
      ['/exports/cells.geojson?from=2026-11-01', 'query.from'],
    ] as const) {
      const res = await status(p, 'admin');
      expect(res.status, p).toBe(400);
      expect(res.body.error.details.map((d: Json) => d.path)).toContain(field);
    }
    const typo = await status('/exports/findings.csv?scop=city', 'admin');
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toContain('scop');
  });
});

describe('download links', () => {
  it('are refused as S3 refuses them: changed (403), unsigned (403), expired (403), or of no object (404)', async () => {
    const { out } = await exported(`/exports/findings.csv?scope=cell:${east.cell}`, 'admin');
    const url = new URL(out.url);
    expect(url.origin).not.toBe(new URL(api.url).origin);
    const variants: [string, (u: URL) => void][] = [
      [
        'SignatureDoesNotMatch',
        (u) =>
          u.searchParams.set('X-Amz-Signature', `${u.searchParams.get('X-Amz-Signature')?.slice(0, -2)}00`),
      ],
      [
        'SignatureDoesNotMatch',
        (u) =>
          u.searchParams.set('X-Amz-Expires', String(Number(u.searchParams.get('X-Amz-Expires')) + 3600)),
      ],
      ['SignatureDoesNotMatch', (u) => u.searchParams.delete('X-Amz-Signature')],
      [
        'SignatureDoesNotMatch',
        (u) => {
          u.pathname = u.pathname.replace(/[0-9a-f](?=\.csv$)/, (c) => (c === '0' ? '1' : '0'));
        },
      ],
      ['AccessDenied', (u) => (u.search = '')],
    ];
    for (const [code, change] of variants) {
      const bad = new URL(url);
      change(bad);
      const res = await fetch(bad);
      expect(res.status, bad.toString()).toBe(403);
      expect(s3ErrorCode(await res.text()), bad.toString()).toBe(code);
    }
    const key = decodeURIComponent(url.pathname.replace(`/${LOCAL_EXPORTS_BUCKET}/`, ''));
    expect(await bucketKeys()).toContain(key);
    // A link handed out 20 minutes ago: its 15 minutes are over.
    const expired = await getSignedUrl(
      await s3(),
      new GetObjectCommand({ Bucket: LOCAL_EXPORTS_BUCKET, Key: key }),
      {
        expiresIn: EXPORT_URL_TTL_MS / 1000,
        signingDate: new Date(Date.now() - 20 * 60_000),
      },
    );
    const res = await fetch(expired);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(s3ErrorCode(text)).toBe('AccessDenied');
    expect(text).toMatch(/expired/);
    // A well-signed link to an export that is not there (expired after a day) is S3's 404.
    const gone = await objectStore().presignedUrl(
      '2020-01-01/00000000-0000-0000-0000-000000000000.csv',
      new Date(Date.now() + 60_000),
    );
    const missing = await fetch(gone);
    expect(missing.status).toBe(404);
    expect(s3ErrorCode(await missing.text())).toBe('NoSuchKey');
  });

  it('is what a client following the redirect gets', async () => {
    const res = await api.call('GET', `/exports/findings.csv?scope=cell:${east.cell}&form=data`, {
      as: 'admin',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csvRows(res.text).map((r) => r.id)).toContain(ids.chinese);
  });
});

describe('an export that outruns its time', () => {
  it('is refused with a 422 naming the scope, and leaves nothing in the bucket', async () => {
    const { runExport } = await import('@gridpatrol/functions/exports/run');
    const { findingsCsv } = await import('@gridpatrol/core');
    const before = await bucketKeys();
    async function* pages() {
      yield [];
      await new Promise((resolve) => setTimeout(resolve, 20));
      yield [];
    }
    const refused = runExport({
      what: 'findings',
      scope: 'city',
      by: 'admin',
      writer: findingsCsv(api.config.timeZone),
      pages: pages(),
      budgetMs: 5,
    });
    await expect(refused).rejects.toMatchObject({
      code: 'unprocessable',
      details: [expect.objectContaining({ path: 'query.scope' })],
    });
    expect(await bucketKeys()).toEqual(before);
  });
});

describe('the stand-in for the bucket’s lifecycle rule', () => {
  it('deletes what was written before yesterday (UTC), as a one-day expiration does, and keeps the rest', async () => {
    const key = `${new Date().toISOString().slice(0, 10)}/${randomUUID()}.csv`;
    await (await s3()).send(new PutObjectCommand({ Bucket: LOCAL_EXPORTS_BUCKET, Key: key, Body: 'id\r\n' }));
    const day = 86_400_000;
    // Tomorrow the object is yesterday's: kept. The day after, it is older than a day: deleted.
    expect(await expireExports(new Date(Date.now() + day))).toEqual({ deleted: 0 });
    expect(await bucketKeys()).toContain(key);
    const { deleted } = await expireExports(new Date(Date.now() + 2 * day));
    expect(deleted).toBeGreaterThan(0);
    expect(await bucketKeys()).toEqual([]);
  });
});
