/**
 * Exports (issue 7, part 5): findings as CSV and GeoJSON points, patrol tasks as CSV, and the cells
 * of an area as GeoJSON polygons with their live numbers, for spreadsheets and choropleth maps. Pure:
 * which partitions an export of an area reads (`planExport`, over the caller's scope) and the text
 * of its rows; the store reads the pages and the handler streams this text into the object store
 * (docs/decisions/0016-exports.md).
 *
 * CSV is RFC 4180 (quoted when a field holds a quote, a comma or a line break; CRLF line ends),
 * UTF-8 with a byte-order mark so that spreadsheet programs show Chinese names correctly, and text a
 * person typed that starts like a formula (`FORMULA_START`: = + - @ |, their full-width forms, behind
 * control or space characters, or a tab or CR) gets a leading apostrophe, so a spreadsheet shows it
 * as text instead of running it as a formula (CSV injection).
 */

import * as z from 'zod';
import { PhotoFlag } from './attachments/schema';
import { addDays, daysBetween, localDate, localDateTime } from './calendar';
import type { CityConfig } from './city-config';
import { BadRequestError, detail, ForbiddenError } from './errors';
import { FindingListQuery } from './findings/api';
import { CITY_AREA, type CounterMetric, counterArea } from './findings/counters';
import { FINDING_STATUSES, Finding } from './findings/schema';
import type { PolygonGeometry } from './geo/types';
import type { CellRecord } from './grid/build';
import type { GridTopology } from './grid/topology';
import { lazySchema } from './lazy-schema';
import { isMessageKey, LANGUAGES, type Language, message, render } from './messages';
import type { PatrolTask } from './planning/records';
import { TASK_METRICS } from './planning/tasks';
import { type FindingListPlan, planFindingList, type Scope } from './policy';
import { BaselineScopeParam, censusOf, planAreaRead } from './stats/baselines';
import { reductionOf } from './stats/measures';
import { schemaText } from './validation';

// ---------------------------------------------------------------------------------------------
// Schemas

const IsoDate = lazySchema(() => z.iso.date(schemaText(message('schema.date'))));

/**
 * GET /exports/findings.{csv,geojson}: an area (`scope`; the caller's own by default) and the report
 * time (`from`/`to`, both included: instants, or dates as whole days in the city's time zone).
 * Strict: a misspelt parameter must not silently export something else.
 */
export const FindingsExportQuery = lazySchema(() =>
  z.strictObject({
    scope: BaselineScopeParam.optional(),
    from: FindingListQuery.shape.from,
    to: FindingListQuery.shape.to,
  }),
);
export type FindingsExportQuery = z.infer<typeof FindingsExportQuery>;

/**
 * How a CSV reads (issue 16.4): `sheet` (the default) is what a bureau's clerk opens in a
 * spreadsheet: headers in `lang` (default the city's language), codes as words, times local with
 * the offset, the columns in the order of the bureau's own ledgers. `data` keeps the stable machine
 * columns (camelCase names, codes, UTC instants) for programs that read the file.
 */
const CsvForm = {
  lang: lazySchema(() => z.enum(LANGUAGES as unknown as ['zh-CN', 'en']).optional()),
  form: lazySchema(() => z.enum(['sheet', 'data']).optional()),
};

/** GET /exports/findings.csv: the findings export's query, and how the CSV reads. */
export const FindingsCsvQuery = lazySchema(() => FindingsExportQuery.extend(CsvForm));
export type FindingsCsvQuery = z.infer<typeof FindingsCsvQuery>;

/** GET /exports/tasks.csv: an area and the task dates (local dates, both included), and how it reads. */
export const TasksExportQuery = lazySchema(() =>
  z.strictObject({
    scope: BaselineScopeParam.optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    ...CsvForm,
  }),
);
export type TasksExportQuery = z.infer<typeof TasksExportQuery>;

/** GET /exports/cells.geojson: the cells of an area of the active grid, with their numbers now. */
export const CellsExportQuery = lazySchema(() => z.strictObject({ scope: BaselineScopeParam.optional() }));

/** The answer of an export: 303 See Other, `Location` = `url`, and this body. */
export const ExportOut = lazySchema(() =>
  z.object({
    /** A presigned GET URL of the file, valid until `expiresAt`. */
    url: z.string(),
    expiresAt: z.iso.datetime(),
    /** What was exported: 'city', 'office:<id>', 'zone:<id>', 'cell:<id>', or 'mine' (the caller's own area). */
    scope: z.string(),
    filename: z.string(),
    contentType: z.string(),
    /** Data rows (CSV, without the header) or features (GeoJSON). */
    rows: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    /** Database pages read (Query pages, or slices of cells read by key). */
    pages: z.number().int().nonnegative(),
  }),
);
export type ExportOut = z.infer<typeof ExportOut>;

// ---------------------------------------------------------------------------------------------
// What an export of an area reads

/** Findings of the whole city: every zone partition of every grid version, and the unzoned one. */
export type ExportFindingSource = { readonly by: 'city' } | FindingListPlan;

export interface ExportPlan {
  /** The area as the `scope` parameter spells it, or 'mine' for the caller's own zones or cells. */
  readonly scope: string;
  readonly findings: ExportFindingSource;
  /** Cells of the active grid in the area, sorted. */
  readonly cells: readonly string[];
  readonly tasks: TaskExportFilter;
}

/**
 * Which patrol tasks an export keeps: the plan partitions it reads (office ids; null: the city-wide
 * plans), and the responsible zones or the cells a task must have (neither: every task read).
 */
export interface TaskExportFilter {
  readonly offices: readonly (string | null)[];
  readonly zones?: ReadonlySet<string>;
  readonly cells?: ReadonlySet<string>;
}

const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();

function cellsOfZones(zones: Iterable<string>, topology: GridTopology): string[] {
  const cells: string[] = [];
  for (const z of zones) cells.push(...(topology.zoneCells.get(z) ?? []));
  return sorted(cells);
}

/** The plan partitions holding tasks of these zones: their offices', and the city-wide plans. */
function officesOfZones(zones: Iterable<string>, topology: GridTopology): (string | null)[] {
  const offices: string[] = [];
  for (const z of zones) {
    const office = topology.zoneOffice.get(z);
    if (office) offices.push(office);
  }
  return [...sorted(offices), null];
}

/**
 * What an export reads for this caller: `scope` checked as baselines check it (`planAreaRead`: a
 * city admin anything; a supervisor their office, its zones and the cells touching them; an officer
 * their zones and those cells; grid people their cells; 404 otherwise, like a missing area). Without
 * `scope`: the city for a city admin, the own office for a supervisor, and for everyone else their
 * own zones (officers) or cells (grid people), as GET /findings lists them by default.
 *
 * Findings of a zone are those it is responsible for (gsi1), of a cell those whose point lies in it
 * (gsi4): the same partitions GET /findings?zone= and ?cell= read.
 *
 * @example planExport(undefined, officerScope, topology, offices) // { scope: 'mine', findings: { by: 'zone', ids: ['Z-01'] }, … }
 */
export function planExport(
  param: string | undefined,
  scope: Scope,
  topology: GridTopology,
  offices: readonly string[],
): ExportPlan {
  if (scope.kind === 'reporter') throw new ForbiddenError(message('policy.volunteerNoExport'));
  let wanted = param;
  if (wanted === undefined && scope.kind === 'city') wanted = 'city';
  if (wanted === undefined && scope.role === 'supervisor' && scope.kind === 'area' && scope.office)
    wanted = offices.includes(scope.office) ? `office:${scope.office}` : undefined;
  if (wanted === undefined) {
    if (scope.kind !== 'area') throw new Error('unreachable: a city scope always has a default');
    const findings = planFindingList(scope, {});
    const byZone = scope.zones.size > 0;
    return {
      scope: 'mine',
      findings,
      cells: sorted(scope.cells),
      tasks: byZone
        ? { offices: officesOfZones(scope.zones, topology), zones: scope.zones }
        : {
            offices: officesOfZones(
              [...scope.cells].flatMap((c) => topology.cellZones.get(c) ?? []),
              topology,
            ),
            cells: scope.cells,
          },
    };
  }
  // The checks (and the 404s) are the baselines' own: one rule for who reads which area.
  planAreaRead(wanted, scope, topology, offices);
  const [kind, id = ''] = wanted === 'city' ? ['city'] : wanted.split(':');
  switch (kind) {
    case 'city': {
      const zoneOffices = [...topology.zoneOffice.values()].filter((o) => o !== '');
      return {
        scope: wanted,
        findings: { by: 'city' },
        cells: sorted(topology.cellZones.keys()),
        tasks: { offices: [...sorted([...offices, ...zoneOffices]), null] },
      };
    }
    case 'office': {
      const zones = sorted([...topology.zoneOffice].filter(([, o]) => o === id).map(([z]) => z));
      return {
        scope: wanted,
        findings: { by: 'zone', ids: zones },
        cells: cellsOfZones(zones, topology),
        tasks: { offices: [id, null], zones: new Set(zones) },
      };
    }
    case 'zone':
      return {
        scope: wanted,
        findings: { by: 'zone', ids: [id] },
        cells: cellsOfZones([id], topology),
        tasks: { offices: officesOfZones([id], topology), zones: new Set([id]) },
      };
    default:
      return {
        scope: wanted,
        findings: { by: 'cell', ids: [id] },
        cells: [id],
        tasks: { offices: officesOfZones(topology.cellZones.get(id) ?? [], topology), cells: new Set([id]) },
      };
  }
}

/** Does a task belong to the export? (The plan partitions were chosen by `planExport`.) */
export function keepsTask(filter: TaskExportFilter, task: Pick<PatrolTask, 'zoneId' | 'cellId'>): boolean {
  if (filter.zones && !filter.zones.has(task.zoneId)) return false;
  if (filter.cells && !filter.cells.has(task.cellId)) return false;
  return true;
}

/**
 * The key ranges a tasks export reads: plan headers by week (a plan's week starts on the Monday on or
 * before `from`), then each plan's tasks by date. `to` before `from` is a 400 naming `query.to`.
 *
 * @example taskExportRanges({ from: '2026-11-25', to: '2026-11-30' })
 *   // { plans: { lo: '2026-11-23', hi: '2026-11-30~' }, tasks: { lo: '2026-11-25', hi: '2026-11-30~' } }
 */
export function taskExportRanges(q: { from?: string | undefined; to?: string | undefined }): {
  plans: { lo?: string; hi?: string };
  tasks: { lo?: string; hi?: string };
} {
  if (q.from !== undefined && q.to !== undefined && daysBetween(q.from, q.to) < 0)
    throw new BadRequestError(message('range.endsBeforeStart', { to: q.to ?? '', from: q.from ?? '' }), [
      detail('query.to', message('range.toBeforeFromDetail')),
    ]);
  const hi = q.to !== undefined ? { hi: `${q.to}~` } : {};
  if (q.from === undefined) return { plans: { ...hi }, tasks: { ...hi } };
  const weekday = new Date(`${q.from}T00:00:00Z`).getUTCDay();
  return {
    plans: { lo: addDays(q.from, -((weekday + 6) % 7)), ...hi },
    tasks: { lo: q.from, ...hi },
  };
}

// ---------------------------------------------------------------------------------------------
// CSV

export const CSV_BOM = '\uFEFF';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const GEOJSON_CONTENT_TYPE = 'application/geo+json';

type Value = string | number | boolean | null | undefined;

/**
 * Text a spreadsheet may run as a formula: OWASP's list (= + - @, a tab or a carriage return first)
 * and `|` (DDE), also behind leading control, format or space characters (a NUL before `=` is
 * skipped by some importers) and in their full-width and small forms (＝ ＋ － ＠ ｜, ﹦ ﹢ ﹣ ﹫),
 * which spreadsheets with an East Asian input method turn into the ASCII signs.
 */
const FORMULA_START =
  /^(?:[\t\r]|[\p{Cc}\p{Cf}\p{Z}]*[=+\-@|\uff1d\uff0b\uff0d\uff20\uff5c\ufe66\ufe62\ufe63\ufe6b])/u;

/**
 * One CSV field: empty for null/undefined, quoted when it holds a quote, comma or line break, and a
 * string starting like a formula prefixed with an apostrophe. Numbers and booleans are written as
 * they are (a negative longitude stays a number).
 *
 * @example csvField('=HYPERLINK("x")') // `"'=HYPERLINK(""x"")"`
 */
export function csvField(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** @example csvLine(['a', 1, null]) // 'a,1,\r\n' */
export const csvLine = (values: readonly Value[]): string => `${values.map(csvField).join(',')}\r\n`;

interface Column<T> {
  readonly name: string;
  readonly value: (row: T) => Value;
}

/**
 * Turns rows into the text of an export, piece by piece: `start()` once, `rows()` for each page in
 * order, `end()` once. Their concatenation is the whole file.
 */
export interface ExportWriter<T> {
  readonly contentType: string;
  readonly extension: 'csv' | 'geojson';
  start(): string;
  rows(items: readonly T[]): string;
  end(): string;
}

function csvWriter<T>(columns: readonly Column<T>[]): ExportWriter<T> {
  return {
    contentType: CSV_CONTENT_TYPE,
    extension: 'csv',
    start: () => CSV_BOM + csvLine(columns.map((c) => c.name)),
    rows: (items) => {
      let text = '';
      for (const item of items) text += csvLine(columns.map((c) => c.value(item)));
      return text;
    },
    end: () => '',
  };
}

// ---------------------------------------------------------------------------------------------
// GeoJSON

interface Feature {
  readonly type: 'Feature';
  readonly geometry: unknown;
  readonly properties: Record<string, Value>;
}

/** A FeatureCollection written feature by feature: one feature a line, commas between them. */
function geojsonWriter<T>(toFeature: (item: T) => Feature): ExportWriter<T> {
  let written = 0;
  return {
    contentType: GEOJSON_CONTENT_TYPE,
    extension: 'geojson',
    start: () => {
      written = 0;
      return '{"type":"FeatureCollection","features":[\n';
    },
    rows: (items) => {
      let text = '';
      for (const item of items) text += `${written++ === 0 ? '' : ',\n'}${JSON.stringify(toFeature(item))}`;
      return text;
    },
    end: () => '\n]}\n',
  };
}

// ---------------------------------------------------------------------------------------------
// Findings

const findingColumns = (timeZone: string): Column<ExportFinding>[] => [
  { name: 'id', value: (f) => f.id },
  { name: 'status', value: (f) => f.status },
  { name: 'kind', value: (f) => f.kind },
  { name: 'businessName', value: (f) => f.businessName },
  { name: 'businessType', value: (f) => f.businessType },
  { name: 'address', value: (f) => f.address },
  { name: 'lon', value: (f) => f.lon },
  { name: 'lat', value: (f) => f.lat },
  { name: 'cellId', value: (f) => f.cellId },
  { name: 'zoneId', value: (f) => f.zoneId },
  { name: 'officeId', value: (f) => f.officeId },
  { name: 'reportedAt', value: (f) => f.reportedAt },
  { name: 'reportedDate', value: (f) => localDate(f.reportedAt, timeZone) },
  { name: 'reporterId', value: (f) => f.reporterId },
  { name: 'reporterRole', value: (f) => f.reporterRole },
  { name: 'verifiedAt', value: (f) => f.verifiedAt },
  { name: 'rejectReason', value: (f) => f.rejectReason },
  { name: 'deadline', value: (f) => f.deadline },
  { name: 'overdue', value: (f) => f.overdue },
  { name: 'wasOverdue', value: (f) => f.wasOverdue },
  { name: 'escalation', value: (f) => f.escalation },
  { name: 'department', value: (f) => f.department },
  { name: 'receiptNo', value: (f) => f.receiptNo },
  { name: 'transferredAt', value: (f) => f.transferredAt },
  { name: 'resolvedAt', value: (f) => f.resolvedAt },
  { name: 'outcome', value: (f) => f.outcome },
  { name: 'uscc', value: (f) => f.uscc },
  { name: 'revisitDueAt', value: (f) => f.revisitDueAt },
  { name: 'closedAt', value: (f) => f.closedAt },
  { name: 'reopenCount', value: (f) => f.reopenCount },
  { name: 'possibleDuplicateOf', value: (f) => f.possibleDuplicateOf },
  { name: 'duplicateOf', value: (f) => f.duplicateOf },
  { name: 'taskId', value: (f) => f.taskId },
  // Evidence photos (docs/decisions/0051): how many, and the flags any of them carries.
  { name: 'photoCount', value: (f) => f.photos.length },
  { name: 'photoFlags', value: (f) => (f.photoFlags ?? []).join(' ') || undefined },
];

/** The columns of findings.csv, in order (the properties of findings.geojson, less lon and lat). */
export const FINDING_EXPORT_COLUMNS: readonly string[] = findingColumns('UTC').map((c) => c.name);

/**
 * The fields of a finding an export reads: the store asks DynamoDB for these alone (a projection),
 * which halves what the SDK unmarshals per item (docs/decisions/0016-exports.md).
 */
export const EXPORT_FINDING_FIELDS = [
  'id',
  'status',
  'kind',
  'businessName',
  'businessType',
  'address',
  'lon',
  'lat',
  'cellId',
  'zoneId',
  'officeId',
  'reportedAt',
  'reporterId',
  'reporterRole',
  'verifiedAt',
  'rejectReason',
  'deadline',
  'overdue',
  'wasOverdue',
  'escalation',
  'department',
  'receiptNo',
  'transferredAt',
  'resolvedAt',
  'outcome',
  'uscc',
  'revisitDueAt',
  'closedAt',
  'reopenCount',
  'possibleDuplicateOf',
  'duplicateOf',
  'taskId',
  'photos',
] as const satisfies readonly (keyof Finding)[];

/** A finding as an export reads it: the stored record's exported fields, validated. */
export const ExportFinding = lazySchema(() =>
  Finding.pick(
    Object.fromEntries(EXPORT_FINDING_FIELDS.map((f) => [f, true])) as {
      [K in (typeof EXPORT_FINDING_FIELDS)[number]]: true;
    },
  ).extend({
    /** Not stored: the flags of the finding's photos, added by the export from their records. */
    photoFlags: z.array(PhotoFlag).optional(),
  }),
);
export type ExportFinding = z.infer<typeof ExportFinding>;

/**
 * findings.csv: one row per finding. Instants are UTC as stored (ISO 8601); `reportedDate` is the
 * report's calendar date in the city's time zone (what `from`/`to` select by).
 *
 * @example const w = findingsCsv('Asia/Shanghai'); w.start() + w.rows(findings) + w.end()
 */
export const findingsCsv = (timeZone: string, sheet?: SheetContext): ExportWriter<ExportFinding> =>
  csvWriter(sheet ? findingSheetColumns(sheet) : findingColumns(timeZone));

/**
 * findings.geojson: a FeatureCollection of Points. Properties are the CSV columns but lon and lat,
 * absent ones null (so that every feature has the same attribute table), never formula-escaped (it
 * is not read by spreadsheets).
 *
 * @example JSON.parse(w.start() + w.rows([f]) + w.end()).features[0].geometry // { type: 'Point', coordinates: [120.169, 30.2527] }
 */
export function findingsGeojson(timeZone: string): ExportWriter<ExportFinding> {
  const columns = findingColumns(timeZone).filter((c) => c.name !== 'lon' && c.name !== 'lat');
  return geojsonWriter((f) => {
    const properties: Record<string, Value> = {};
    for (const c of columns) properties[c.name] = c.value(f) ?? null;
    return { type: 'Feature', geometry: { type: 'Point', coordinates: [f.lon, f.lat] }, properties };
  });
}

// ---------------------------------------------------------------------------------------------
// Tasks

const checkInOf = (t: PatrolTask, personId: string) => t.checkIns.find((c) => c.personId === personId)?.at;

const TASK_COLUMNS: readonly Column<PatrolTask>[] = [
  { name: 'id', value: (t) => t.id },
  { name: 'planId', value: (t) => t.planId },
  { name: 'officeId', value: (t) => t.officeId },
  { name: 'date', value: (t) => t.date },
  { name: 'shift', value: (t) => t.shift },
  { name: 'shiftStart', value: (t) => t.shiftStart },
  { name: 'shiftEnd', value: (t) => t.shiftEnd },
  { name: 'cellId', value: (t) => t.cellId },
  { name: 'zoneId', value: (t) => t.zoneId },
  { name: 'officerId', value: (t) => t.officerId },
  { name: 'partnerId', value: (t) => t.partnerId },
  { name: 'status', value: (t) => t.status },
  { name: 'joint', value: (t) => t.completion?.joint },
  { name: 'officerCheckInAt', value: (t) => checkInOf(t, t.officerId) },
  { name: 'partnerCheckInAt', value: (t) => checkInOf(t, t.partnerId) },
  { name: 'completedAt', value: (t) => t.completion?.at },
  { name: 'completedBy', value: (t) => t.completion?.by },
  { name: 'safety', value: (t) => t.completion?.checks.safety },
  { name: 'food', value: (t) => t.completion?.checks.food },
  { name: 'license', value: (t) => t.completion?.checks.license },
  { name: 'missing', value: (t) => t.completion?.missing.join(';') },
  { name: 'findingIds', value: (t) => t.completion?.findingIds.join(';') },
];

export const TASK_EXPORT_COLUMNS: readonly string[] = TASK_COLUMNS.map((c) => c.name);

/**
 * tasks.csv: one row per patrol task. `joint` is empty until the task is completed; check-in times
 * are each partner's first; lists (`missing`, `findingIds`) are joined with ';'.
 */
export const tasksCsv = (sheet?: SheetContext): ExportWriter<PatrolTask> =>
  csvWriter(sheet ? taskSheetColumns(sheet) : TASK_COLUMNS);

// ---------------------------------------------------------------------------------------------
// Sheets: the CSV a bureau's clerk reads (issue 16.4)

/** Who reads a sheet and the city's names for its ids. */
export interface SheetContext {
  readonly language: Language;
  readonly timeZone: string;
  /** Offices, finding categories and departments by id: the city file's names. */
  readonly names: Pick<CityConfig, 'offices' | 'findingCategories' | 'departments'>;
}

/**
 * The sheet's columns, headers from the catalogue (`export.finding.<name>`), in the order of a
 * bureau's ledger: number, reported, business, address, cell, zone, status, deadline first.
 */
function findingSheetColumns(sheet: SheetContext): Column<ExportFinding>[] {
  const { word, time, yesNo, nameOf } = sheetHelpers(sheet);
  const columns: [string, (f: ExportFinding) => Value][] = [
    ['id', (f) => f.id],
    ['reportedAt', (f) => time(f.reportedAt)],
    ['businessName', (f) => f.businessName],
    ['address', (f) => f.address],
    ['cell', (f) => f.cellId],
    ['zone', (f) => f.zoneId],
    ['status', (f) => word(`finding.status.${f.status}`)],
    ['deadline', (f) => time(f.deadline)],
    ['overdue', (f) => yesNo(f.overdue)],
    ['kind', (f) => word(`finding.kind.${f.kind}`)],
    ['businessType', (f) => nameOf('findingCategories', f.businessType)],
    ['office', (f) => nameOf('offices', f.officeId)],
    ['reporter', (f) => f.reporterId],
    ['reporterRole', (f) => word(`role.${f.reporterRole}`)],
    ['verifiedAt', (f) => time(f.verifiedAt)],
    ['rejectReason', (f) => f.rejectReason && word(`finding.rejectReason.${f.rejectReason}`)],
    ['escalation', (f) => word(`finding.escalation.${f.escalation}`)],
    ['department', (f) => nameOf('departments', f.department)],
    ['receiptNo', (f) => f.receiptNo],
    ['transferredAt', (f) => time(f.transferredAt)],
    ['resolvedAt', (f) => time(f.resolvedAt)],
    ['outcome', (f) => f.outcome && word(`finding.outcome.${f.outcome}`)],
    ['uscc', (f) => f.uscc],
    ['revisitDueAt', (f) => time(f.revisitDueAt)],
    ['closedAt', (f) => time(f.closedAt)],
    ['reopenCount', (f) => f.reopenCount],
    ['wasOverdue', (f) => yesNo(f.wasOverdue)],
    ['possibleDuplicateOf', (f) => f.possibleDuplicateOf],
    ['duplicateOf', (f) => f.duplicateOf],
    ['task', (f) => f.taskId],
    ['photoCount', (f) => f.photos.length],
    [
      'photoFlags',
      (f) => (f.photoFlags ?? []).map((flag) => word(`photo.flag.${flag}`)).join(', ') || undefined,
    ],
    ['lon', (f) => f.lon],
    ['lat', (f) => f.lat],
  ];
  return columns.map(([name, value]) => ({ name: word(`export.finding.${name}`), value }));
}

function taskSheetColumns(sheet: SheetContext): Column<PatrolTask>[] {
  const { word, time, yesNo, nameOf } = sheetHelpers(sheet);
  const shift = (name: string) => (name === 'am' || name === 'pm' ? word(`plan.shift.${name}`) : name);
  const check = (v: string | undefined) => v && word(`export.check.${v}`);
  const columns: [string, (t: PatrolTask) => Value][] = [
    ['id', (t) => t.id],
    ['date', (t) => t.date],
    ['shift', (t) => shift(t.shift)],
    ['shiftStart', (t) => time(t.shiftStart)],
    ['shiftEnd', (t) => time(t.shiftEnd)],
    ['cell', (t) => t.cellId],
    ['zone', (t) => t.zoneId],
    ['officer', (t) => t.officerId],
    ['partner', (t) => t.partnerId],
    ['status', (t) => word(`export.taskStatus.${t.status}`)],
    ['joint', (t) => (t.completion ? yesNo(t.completion.joint) : '')],
    ['officerCheckInAt', (t) => time(checkInOf(t, t.officerId))],
    ['partnerCheckInAt', (t) => time(checkInOf(t, t.partnerId))],
    ['completedAt', (t) => time(t.completion?.at)],
    ['completedBy', (t) => t.completion?.by],
    ['safety', (t) => check(t.completion?.checks.safety)],
    ['food', (t) => check(t.completion?.checks.food)],
    ['license', (t) => check(t.completion?.checks.license)],
    ['missing', (t) => t.completion?.missing.join(';')],
    ['findings', (t) => t.completion?.findingIds.join(';')],
    ['office', (t) => nameOf('offices', t.officeId)],
    ['plan', (t) => t.planId],
  ];
  return columns.map(([name, value]) => ({ name: word(`export.task.${name}`), value }));
}

function sheetHelpers(sheet: SheetContext) {
  const context = { language: sheet.language, timeZone: sheet.timeZone };
  const word = (key: string) => (isMessageKey(key) ? render(message(key), context) : key);
  return {
    word,
    /** Local time with the offset and seconds, so that rows compare: 2026-12-07 08:00:05+08:00. */
    time: (instant: string | undefined) =>
      instant === undefined ? undefined : localDateTime(instant, sheet.timeZone, { seconds: true }),
    yesNo: (v: boolean | undefined) => (v === undefined ? undefined : word(v ? 'export.yes' : 'export.no')),
    /** The city's name for an id (an office, a category, a department), else the id. */
    nameOf: (list: keyof SheetContext['names'], id: string | null | undefined) =>
      id === null || id === undefined ? undefined : (sheet.names[list].find((n) => n.id === id)?.name ?? id),
  };
}

// ---------------------------------------------------------------------------------------------
// Cells

/** What a cell's feature is made of: its record and geometry, its live counters, its baseline census. */
export interface CellExportInput {
  readonly cell: CellRecord;
  readonly geometry: PolygonGeometry;
  /** The cell's live counter row (`cell#<id>`); undefined when nothing was ever counted there. */
  readonly counters: Readonly<Record<CounterMetric, number>> | undefined;
  /** The cell's census in the current baseline; null without one or when it did not count this cell. */
  readonly baseline: number | null;
  /** The office of the cell's primary zone. */
  readonly officeId: string | null;
  readonly gridVersion: number;
}

/** A counter metric as a flat property name: ':' is not friendly to map tools' expressions. */
const metricName = (metric: string) => metric.replaceAll(':', '_');

/** The counter metrics every cell feature carries, zeros included. */
const CELL_METRICS: readonly CounterMetric[] = [
  'total',
  'open',
  'overdue',
  'was_overdue',
  ...FINDING_STATUSES.map((s) => `status:${s}`),
  ...TASK_METRICS,
];

/** The numeric properties of every cell feature, in order. */
export const CELL_EXPORT_METRICS: readonly string[] = [
  ...CELL_METRICS.map(metricName),
  'census',
  'baseline',
  'remaining',
  'reduction',
  'reduction_pct',
];

/**
 * A cell as a GeoJSON feature for a choropleth: descriptive properties, then flat numbers (zeros,
 * never missing): the counters (`total`, `open`, `overdue`, `was_overdue`, `status_<state>`,
 * `tasks_<…>`), `census` now, the current baseline's census `baseline`, `remaining` (still
 * operating) and the reduction against the baseline (`reduction`, `reduction_pct`; null without one).
 *
 * @example cellFeature(input).properties.open // 3
 */
export function cellFeature(input: CellExportInput): Feature {
  const { cell, counters } = input;
  const area = counterArea.cell(cell.id);
  const reduction = reductionOf(input.baseline, counters);
  const properties: Record<string, Value> = {
    id: cell.id,
    name: cell.name,
    community: cell.community ?? null,
    street: cell.street ?? null,
    areaM2: cell.areaM2,
    primaryZone: cell.primaryZone,
    officeId: input.officeId,
    gridVersion: input.gridVersion,
  };
  for (const metric of CELL_METRICS) properties[metricName(metric)] = counters?.[metric] ?? 0;
  properties.census = censusOf(area, counters).census;
  properties.baseline = input.baseline;
  properties.remaining = reduction.remaining;
  properties.reduction = reduction.count;
  properties.reduction_pct = reduction.percent;
  return { type: 'Feature', geometry: input.geometry, properties };
}

/** cells.geojson: a FeatureCollection of the area's cells with their numbers. */
export const cellsGeojson = (): ExportWriter<CellExportInput> => geojsonWriter(cellFeature);

// ---------------------------------------------------------------------------------------------
// File names

/**
 * The download's file name: what, which area, the day it was made in the city, e.g.
 * `findings_office-east_2026-11-23.csv`. Only letters, digits, CJK, '-' and '_' survive from ids.
 *
 * @example exportFilename('findings', 'zone:Z 01', 'csv', new Date('2026-11-23T02:00:00Z'), 'Asia/Shanghai') // 'findings_zone-Z_01_2026-11-23.csv'
 */
export function exportFilename(
  what: 'findings' | 'tasks' | 'cells',
  scope: string,
  extension: string,
  now: Date,
  timeZone: string,
): string {
  const area = scope === CITY_AREA ? 'city' : scope.replace(':', '-').replace(/[^\p{L}\p{N}_-]/gu, '_');
  return `${what}_${area}_${localDate(now, timeZone)}.${extension}`;
}
