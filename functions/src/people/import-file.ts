/**
 * Reading a people file for `gridpatrol people import` and POST /people/imports: CSV or a JSON array, every row checked
 * (schema, known office, zones and cells of the active grid, no id twice) before anything is
 * written, every problem reported with its line (CSV) or index (JSON) and field.
 *
 * CSV columns (header row required, any order; only `id`, `name` and `role` must have a value):
 *   id, name, phone, role, office, zones, cells, capacity, weekdays, datesOff, active
 * `zones`, `cells`, `weekdays` (1 = Monday … 7 = Sunday) and `datesOff` (YYYY-MM-DD) hold several
 * values separated by `;` or `|`. `active` is true/false (also yes/no, 1/0); empty means true.
 */
import {
  detail,
  type ErrorDetail,
  type GridTopology,
  inEnglish,
  type Message,
  message,
  Person,
  personProblems,
  zodIssuesToDetails,
} from '@gridpatrol/core';
import { parse } from 'csv-parse/sync';

export const CSV_COLUMNS = [
  'id',
  'name',
  'phone',
  'role',
  'office',
  'zones',
  'cells',
  'capacity',
  'weekdays',
  'datesOff',
  'active',
] as const;

export interface RowProblem {
  /** "line 4" for CSV, "[3]" for JSON. */
  readonly where: string;
  readonly field: string;
  readonly message: string;
  /** The catalogue entry of `message`, for the command's language. */
  readonly text?: Message;
}

export interface ReadPeople {
  readonly people: Person[];
  /** Where each of `people` was read ("line 4", "[3]"), in the same order. */
  readonly wheres: string[];
  readonly problems: RowProblem[];
}

const list = (v: string) =>
  v
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

const BOOLS: Record<string, boolean> = {
  true: true,
  yes: true,
  '1': true,
  false: false,
  no: false,
  '0': false,
};

/** A CSV row as the JSON a Person schema reads; cells it cannot read stay strings, for the schema to name. */
function csvRowToObject(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(row)) {
    const v = raw.trim();
    if (v === '') continue;
    if (key === 'zones' || key === 'cells') out[key] = list(v);
    else if (key === 'capacity') out[key] = Number.isNaN(Number(v)) ? v : Number(v);
    else if (key === 'weekdays' || key === 'datesOff') {
      const availability = (out.availability ?? {}) as Record<string, unknown>;
      out.availability = availability;
      availability[key] =
        key === 'weekdays' ? list(v).map((d) => (Number.isNaN(Number(d)) ? d : Number(d))) : list(v);
    } else if (key === 'active') out[key] = BOOLS[v.toLowerCase()] ?? v;
    else out[key] = v;
  }
  return out;
}

function rowsOf(
  text: string,
  format: 'csv' | 'json',
): { rows: unknown[]; where: (i: number) => string; problems: RowProblem[] } {
  if (format === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      return {
        rows: [],
        where: String,
        problems: [{ where: 'file', field: '', message: (err as Error).message }],
      };
    }
    if (!Array.isArray(data))
      return {
        rows: [],
        where: String,
        problems: [
          {
            where: 'file',
            field: '',
            message: inEnglish(message('cli.people.notArray')),
            text: message('cli.people.notArray'),
          },
        ],
      };
    return { rows: data, where: (i) => `[${i}]`, problems: [] };
  }
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true, info: true, trim: false });
  } catch (err) {
    return {
      rows: [],
      where: String,
      problems: [{ where: 'file', field: '', message: (err as Error).message }],
    };
  }
  const header = Object.keys(records[0]?.record ?? {});
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  const unknownColumn = message('cli.people.unknownColumn', { columns: CSV_COLUMNS.join(', ') });
  const problems = unknown.map((h) => ({
    where: 'line 1',
    field: h,
    message: inEnglish(unknownColumn),
    text: unknownColumn,
  }));
  return {
    rows: records.map((r) => csvRowToObject(r.record)),
    where: (i) => `line ${records[i]?.info.lines ?? i + 2}`,
    problems,
  };
}

/**
 * Reads and checks every row; `people` is complete only when `problems` is empty.
 *
 * @example const { people, problems } = readPeopleFile(text, 'csv', ['office-east'], topology, '2026-12-07');
 */
export function readPeopleFile(
  text: string,
  format: 'csv' | 'json',
  offices: readonly string[],
  topology: Pick<GridTopology, 'zoneCells' | 'cellZones'>,
  /** The city's date today: days off are checked against it. */
  today: string,
): ReadPeople {
  const { rows, where, problems } = rowsOf(text, format);
  const people: Person[] = [];
  const wheres: string[] = [];
  const seen = new Map<string, string>();
  const strict = Person.strict();
  rows.forEach((row, i) => {
    const at = where(i);
    const parsed = strict.safeParse(row);
    if (!parsed.success) {
      for (const d of zodIssuesToDetails(parsed.error.issues))
        problems.push({ where: at, field: d.path, message: d.message, ...(d.text ? { text: d.text } : {}) });
      return;
    }
    const person = parsed.data;
    for (const d of personProblems(person, { offices, topology, today }, ''))
      problems.push({
        where: at,
        field: d.path.replace(/^\./, ''),
        message: d.message,
        ...(d.text ? { text: d.text } : {}),
      });
    const first = seen.get(person.id);
    if (first) {
      const text = message('cli.people.alreadyOn', { id: person.id, first });
      problems.push({ where: at, field: 'id', message: inEnglish(text), text });
    } else seen.set(person.id, at);
    people.push(person);
    wheres.push(at);
  });
  return { people, wheres, problems };
}

/**
 * A file's problems as an API refusal's details: `csv.lines[4].zones` names the line and column
 * (`csv` alone the file), with `line` and `field` beside the words for programs.
 *
 * @example importProblemDetails([{ where: 'line 4', field: 'zones[0]', message: "no zone 'Z-9'…" }])
 *   // [{ path: 'csv.lines[4].zones[0]', message: "no zone 'Z-9'…", fields: { line: 4, field: 'zones[0]' } }]
 */
export function importProblemDetails(problems: readonly RowProblem[]): ErrorDetail[] {
  return problems.map((p) => {
    const line = /^line (\d+)$/.exec(p.where)?.[1];
    const path = line ? `csv.lines[${line}]${p.field ? `.${p.field}` : ''}` : 'csv';
    const fields = { ...(line ? { line: Number(line) } : {}), field: p.field };
    return p.text ? detail(path, p.text, fields) : { path, message: p.message, fields };
  });
}
