/**
 * The pure side of exports (packages/core/src/exports.ts): CSV fields and rows (RFC 4180, BOM, CRLF,
 * formula escaping) read back by a real CSV parser, GeoJSON collections checked by a validator, the
 * flat numbers of a cell feature, and which partitions an export of an area reads for each caller.
 */

import {
  CELL_EXPORT_METRICS,
  type CellExportInput,
  CSV_BOM,
  cellFeature,
  cellsGeojson,
  csvField,
  csvLine,
  exportFilename,
  FINDING_EXPORT_COLUMNS,
  FindingsExportQuery,
  findingsCsv,
  findingsGeojson,
  keepsTask,
  planExport,
  TASK_EXPORT_COLUMNS,
  TasksExportQuery,
  taskExportRanges,
  tasksCsv,
} from '@gridpatrol/core/exports';
import type { Finding } from '@gridpatrol/core/findings/schema';
import type { GridTopology } from '@gridpatrol/core/grid/topology';
import type { PatrolTask } from '@gridpatrol/core/planning/records';
import { getIssues } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  admin,
  EAST_WEST_OFFICES,
  eastWestTopology,
  findingIn,
  leader,
  newFinding,
  officerZ1,
  scopeFor,
  supEast,
  volunteer,
} from './findings-fixtures';

const parseCsv = (text: string): Record<string, string>[] =>
  parse(text, { bom: true, columns: true, record_delimiter: '\r\n' });

const TZ = 'Asia/Shanghai';

/** The guard's rule, written out: a tab or CR first, or a formula sign (ASCII, full-width or small) after control and space characters. */
const startsLikeFormula = (v: string): boolean => {
  if (v.startsWith('\t') || v.startsWith('\r')) return true;
  const first = v.replace(/^[\p{Cc}\p{Cf}\p{Z}]+/u, '')[0];
  return first !== undefined && '=+-@|＝＋－＠｜﹦﹢﹣﹫'.includes(first);
};

describe('csvField', () => {
  it('quotes a quote, a comma or a line break, doubling quotes (RFC 4180)', () => {
    expect(csvField('plain 张三')).toBe('plain 张三');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
  });

  it('writes nothing for null and undefined, numbers and booleans as they are', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(-120.5)).toBe('-120.5');
    expect(csvField(0)).toBe('0');
    expect(csvField(false)).toBe('false');
  });

  it('makes text that a spreadsheet would run as a formula plain text', () => {
    for (const s of ['=1+1', '+86 138', '-3 号', '@SUM(A1)', '\tTAB', '\rCR'])
      expect(csvField(s).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    // Only the start counts (test/security/csv-injection.test.ts has the disguised starts).
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('１=1')).toBe('１=1');
  });

  it('round-trips any text through a CSV parser (escaped text gains only its apostrophe)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), (values) => {
        const header = values.map((_, i) => `c${i}`);
        const [row] = parseCsv(CSV_BOM + csvLine(header) + csvLine(values));
        values.forEach((v, i) => {
          const want = startsLikeFormula(v) ? `'${v}` : v;
          expect(row?.[`c${i}`]).toBe(want);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('findingsCsv', () => {
  const findings: Finding[] = [
    { ...newFinding({ id: 'F-1' }), businessName: '张三小吃店，城东"分店"\n二楼' },
    { ...findingIn('resolved').finding, id: 'F-2', businessName: '=cmd|"/c calc"!A1' },
    { ...findingIn('rejected').finding, id: 'F-3', lon: -0.5 },
  ];

  it('starts with a BOM and the header, ends every line with CRLF, and parses back', () => {
    const w = findingsCsv(TZ);
    const text = w.start() + w.rows(findings.slice(0, 1)) + w.rows(findings.slice(1)) + w.end();
    expect(text.startsWith(`${CSV_BOM}id,status,kind,businessName,`)).toBe(true);
    expect(
      text
        .replace(/"[^"]*"/g, '')
        .split('\n')
        .slice(0, -1)
        .every((l) => l.endsWith('\r')),
    ).toBe(true);
    const rows = parseCsv(text);
    expect(Object.keys(rows[0] ?? {})).toEqual([...FINDING_EXPORT_COLUMNS]);
    expect(rows.map((r) => r.id)).toEqual(['F-1', 'F-2', 'F-3']);
    expect(rows[0]?.businessName).toBe('张三小吃店，城东"分店"\n二楼');
    expect(rows[1]?.businessName).toBe(`'=cmd|"/c calc"!A1`);
    expect(rows[2]?.lon).toBe('-0.5');
  });

  it('writes the fields of each step of the loop, and the local report date', () => {
    const w = findingsCsv(TZ);
    const [fresh, resolved, rejected] = parseCsv(w.start() + w.rows(findings));
    // T0 is 2025-03-01T02:00Z: 10:00 in Shanghai, the same day.
    expect(fresh).toMatchObject({
      status: 'reported',
      reportedDate: '2025-03-01',
      verifiedAt: '',
      overdue: 'false',
    });
    expect(resolved).toMatchObject({ status: 'resolved', outcome: 'ceased', reopenCount: '0' });
    expect(resolved?.verifiedAt).toMatch(/^2025-03-02T/);
    expect(resolved?.deadline).not.toBe('');
    expect(rejected).toMatchObject({ status: 'rejected', rejectReason: 'not_found' });
  });

  it('is the header alone when there is no finding', () => {
    const w = findingsCsv(TZ);
    expect(w.start() + w.rows([]) + w.end()).toBe(`${CSV_BOM}${FINDING_EXPORT_COLUMNS.join(',')}\r\n`);
  });
});

describe('findingsGeojson', () => {
  it('is a valid FeatureCollection of Points for 0, 1 and many findings, pages joined', () => {
    for (const pages of [
      [],
      [[newFinding()]],
      [[newFinding({ id: 'F-1' })], [], [newFinding({ id: 'F-2' })]],
    ]) {
      const w = findingsGeojson(TZ);
      const text = w.start() + pages.map((p) => w.rows(p)).join('') + w.end();
      expect(getIssues(text)).toEqual([]);
      const collection = JSON.parse(text);
      expect(collection.features).toHaveLength(pages.flat().length);
    }
  });

  it('carries the CSV columns but lon/lat as properties, unescaped, absent ones null', () => {
    const w = findingsGeojson(TZ);
    const f = { ...newFinding(), businessName: '=1+1' };
    const [feature] = JSON.parse(w.start() + w.rows([f]) + w.end()).features;
    expect(feature.geometry).toEqual({ type: 'Point', coordinates: [f.lon, f.lat] });
    expect(Object.keys(feature.properties)).toEqual(
      FINDING_EXPORT_COLUMNS.filter((c) => c !== 'lon' && c !== 'lat'),
    );
    expect(feature.properties).toMatchObject({ businessName: '=1+1', verifiedAt: null, overdue: false });
  });
});

const task = (over: Partial<PatrolTask> = {}): PatrolTask => ({
  id: 'P-abc123.2026-11-30.am.C1',
  planId: 'P-abc123',
  officeId: 'east',
  weekStart: '2026-11-30',
  date: '2026-11-30',
  shift: 'am',
  cellId: 'C1',
  zoneId: 'Z1',
  officerId: 'li',
  partnerId: 'liu',
  value: 1,
  reasons: {
    risk: {
      score: 0,
      components: {
        open: { count: 0, points: 0 },
        overdue: { count: 0, points: 0 },
        recent: { count: 0, points: 0 },
        reopened: { count: 0, points: 0 },
        staleness: { count: 0, points: 0 },
        manualPriority: { count: 0, points: 0 },
      },
    },
    pair: [],
  },
  shiftStart: '2026-11-30T00:30:00.000Z',
  shiftEnd: '2026-11-30T04:00:00.000Z',
  status: 'assigned',
  version: 1,
  checkIns: [],
  updatedAt: '2026-11-29T00:00:00.000Z',
  ...over,
});

describe('tasksCsv', () => {
  it('writes each partner’s check-in, the completion and its checks; empty until then', () => {
    const done = task({
      status: 'completed',
      checkIns: [
        {
          personId: 'liu',
          role: 'grid_worker',
          at: '2026-11-30T00:41:00.000Z',
          lon: 120,
          lat: 30,
          distanceM: 0,
        },
        {
          personId: 'li',
          role: 'zone_officer',
          at: '2026-11-30T00:35:00.000Z',
          lon: 120,
          lat: 30,
          distanceM: 3,
        },
      ],
      completion: {
        at: '2026-11-30T02:00:00.000Z',
        by: 'li',
        checks: { safety: 'ok', food: 'issue', license: 'not_applicable' },
        findingIds: ['F-1', 'F-2'],
        joint: true,
        missing: [],
      },
    });
    const w = tasksCsv();
    const [open, completed] = parseCsv(w.start() + w.rows([task(), done]) + w.end());
    expect(Object.keys(open ?? {})).toEqual([...TASK_EXPORT_COLUMNS]);
    expect(open).toMatchObject({ status: 'assigned', joint: '', officerCheckInAt: '', completedAt: '' });
    expect(completed).toMatchObject({
      status: 'completed',
      joint: 'true',
      officerCheckInAt: '2026-11-30T00:35:00.000Z',
      partnerCheckInAt: '2026-11-30T00:41:00.000Z',
      completedBy: 'li',
      safety: 'ok',
      food: 'issue',
      license: 'not_applicable',
      findingIds: 'F-1;F-2',
      missing: '',
    });
  });
});

describe('cellFeature', () => {
  const input = (over: Partial<CellExportInput> = {}): CellExportInput => ({
    cell: { id: 'C1', name: '一号网格', areaM2: 12_000, primaryZone: 'Z1', zones: [] },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [120, 30],
          [120.01, 30],
          [120.01, 30.01],
          [120, 30],
        ],
      ],
    },
    counters: {
      total: 12,
      open: 7,
      overdue: 2,
      'status:reported': 4,
      'status:rectifying': 3,
      'status:rejected': 2,
      'status:closed': 3,
      open_duplicate: 1,
      'tasks:joint': 5,
    },
    baseline: 20,
    officeId: 'east',
    gridVersion: 3,
    ...over,
  });

  it('flattens the counters into numbers, zeros included, with census, baseline and reduction', () => {
    const { properties } = cellFeature(input());
    expect(Object.keys(properties)).toEqual([
      'id',
      'name',
      'community',
      'street',
      'areaM2',
      'primaryZone',
      'officeId',
      'gridVersion',
      ...CELL_EXPORT_METRICS,
    ]);
    expect(properties).toMatchObject({
      total: 12,
      open: 7,
      overdue: 2,
      status_reported: 4,
      status_verified: 0,
      tasks_joint: 5,
      tasks_missed: 0,
      // total − rejected − open_duplicate
      census: 9,
      baseline: 20,
      // reported + rectifying − open_duplicate (measures.remainingOf)
      remaining: 6,
      reduction: 14,
      reduction_pct: 70,
      community: null,
    });
  });

  it('has no reduction without a baseline, and zeros for a cell nothing was counted in', () => {
    const { properties } = cellFeature(input({ baseline: null, counters: undefined }));
    expect(properties).toMatchObject({
      total: 0,
      open: 0,
      census: 0,
      baseline: null,
      remaining: 0,
      reduction: null,
    });
    for (const m of CELL_EXPORT_METRICS.filter(
      (m) => !['baseline', 'reduction', 'reduction_pct'].includes(m),
    ))
      expect(typeof properties[m], m).toBe('number');
  });

  it('makes a valid FeatureCollection', () => {
    const w = cellsGeojson();
    expect(
      getIssues(w.start() + w.rows([input(), input({ cell: { ...input().cell, id: 'C2' } })]) + w.end()),
    ).toEqual([]);
  });
});

/** The stats tests' areas and an unzoned cell C0. */
const topology: GridTopology = {
  ...eastWestTopology,
  cellZones: new Map([...eastWestTopology.cellZones, ['C0', []]]),
};
const offices = EAST_WEST_OFFICES;

describe('planExport', () => {
  it('defaults to the city, the own office, an officer’s zones, grid people’s cells', () => {
    expect(planExport(undefined, scopeFor(admin), topology, offices)).toEqual({
      scope: 'city',
      findings: { by: 'city' },
      cells: ['C0', 'C1', 'C2', 'C3', 'C9'],
      tasks: { offices: ['east', 'west', null] },
    });
    expect(planExport(undefined, scopeFor(supEast), topology, offices)).toEqual({
      scope: 'office:east',
      findings: { by: 'zone', ids: ['Z1', 'Z2'] },
      cells: ['C1', 'C2', 'C3'],
      tasks: { offices: ['east', null], zones: new Set(['Z1', 'Z2']) },
    });
    expect(planExport(undefined, scopeFor(officerZ1), topology, offices)).toEqual({
      scope: 'mine',
      findings: { by: 'zone', ids: ['Z1'] },
      cells: ['C1', 'C2'],
      tasks: { offices: ['east', null], zones: new Set(['Z1']) },
    });
    expect(planExport(undefined, scopeFor(leader), topology, offices)).toEqual({
      scope: 'mine',
      findings: { by: 'cell', ids: ['C1'] },
      cells: ['C1'],
      tasks: { offices: ['east', null], cells: new Set(['C1']) },
    });
  });

  it('reads a zone by responsible zone and a cell by where the point lies, tasks of their offices', () => {
    expect(planExport('zone:Z2', scopeFor(supEast), topology, offices)).toMatchObject({
      findings: { by: 'zone', ids: ['Z2'] },
      cells: ['C2', 'C3'],
      tasks: { offices: ['east', null], zones: new Set(['Z2']) },
    });
    expect(planExport('cell:C2', scopeFor(officerZ1), topology, offices)).toMatchObject({
      findings: { by: 'cell', ids: ['C2'] },
      cells: ['C2'],
      tasks: { offices: ['east', null], cells: new Set(['C2']) },
    });
    expect(planExport('office:west', scopeFor(admin), topology, offices)).toMatchObject({
      findings: { by: 'zone', ids: ['W1'] },
      cells: ['C9'],
    });
  });

  it('answers an area outside the caller’s, or unknown, as missing (404); volunteers may not (403)', () => {
    for (const [param, who] of [
      ['city', supEast],
      ['office:west', supEast],
      ['office:east', officerZ1],
      ['zone:Z2', officerZ1],
      ['zone:W1', supEast],
      ['cell:C3', leader],
      ['cell:C-none', admin],
      ['office:nowhere', admin],
    ] as const)
      expect(() => planExport(param, scopeFor(who), topology, offices), `${param} ${who.id}`).toThrow(
        expect.objectContaining({ code: 'not_found' }),
      );
    expect(() => planExport(undefined, scopeFor(volunteer), topology, offices)).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
  });

  it('keeps the tasks of the area', () => {
    const plan = planExport('zone:Z1', scopeFor(admin), topology, offices);
    expect(keepsTask(plan.tasks, { zoneId: 'Z1', cellId: 'C2' })).toBe(true);
    expect(keepsTask(plan.tasks, { zoneId: 'Z2', cellId: 'C2' })).toBe(false);
    const city = planExport('city', scopeFor(admin), topology, offices);
    expect(keepsTask(city.tasks, { zoneId: 'W1', cellId: 'C9' })).toBe(true);
  });
});

describe('queries and ranges', () => {
  it('refuses unknown parameters and malformed values, naming them', () => {
    const typo = FindingsExportQuery.safeParse({ scop: 'city' });
    expect(typo.success).toBe(false);
    expect(TasksExportQuery.safeParse({ from: '2026-02-30' }).success).toBe(false);
    expect(
      FindingsExportQuery.safeParse({ scope: 'zone:Z1', from: '2026-11-01', to: '2026-11-02T08:00:00+08:00' })
        .success,
    ).toBe(true);
  });

  it('reads plans from the Monday of `from`, tasks from `from`; refuses to < from', () => {
    expect(taskExportRanges({ from: '2026-11-25', to: '2026-11-30' })).toEqual({
      plans: { lo: '2026-11-23', hi: '2026-11-30~' },
      tasks: { lo: '2026-11-25', hi: '2026-11-30~' },
    });
    expect(taskExportRanges({ from: '2026-11-23' }).plans).toEqual({ lo: '2026-11-23' });
    expect(taskExportRanges({})).toEqual({ plans: {}, tasks: {} });
    expect(() => taskExportRanges({ from: '2026-11-25', to: '2026-11-24' })).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ path: 'query.to' })] }),
    );
  });

  it('names files by what, where and the local day', () => {
    const now = new Date('2026-11-22T17:00:00Z'); // 01:00 on the 23rd in Shanghai
    expect(exportFilename('findings', 'city', 'csv', now, TZ)).toBe('findings_city_2026-11-23.csv');
    expect(exportFilename('cells', 'zone:城东/1', 'geojson', now, TZ)).toBe(
      'cells_zone-城东_1_2026-11-23.geojson',
    );
  });
});
