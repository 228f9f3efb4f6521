import * as z from 'zod';
import { AREA_FIELDS_BY_ROLE, type AreaField } from './area-fields';
import { DATES_OFF_WINDOW, dateWindowProblem } from './date-window';
import { detail, type ErrorDetail } from './errors';
import { AreaId } from './grid/api';
import type { GridTopology } from './grid/topology';
import { lazySchema } from './lazy-schema';
import { message } from './messages';
import { Role } from './roles';
import { Text } from './text';
import { schemaText } from './validation';

export const PersonId = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, schemaText(message('schema.personId'))),
);

const IsoDate = lazySchema(() => z.iso.date());
const Weekday = lazySchema(() => z.number().int().min(1).max(7)); // ISO: 1 = Monday ... 7 = Sunday

/**
 * Bounds of a person's lists. With them the largest person item stays far below DynamoDB's 400 KB
 * (about 30 KB: 2 years of days off at 13 bytes, 64-character ids), whatever a client sends.
 */
export const PERSON_LIMITS = {
  zones: 16,
  cells: 30,
  /** Conflict cells lie in the person's own area: their cells, or the cells touching their zones. */
  conflictCells: 100,
  /** Two years of single days off. */
  datesOff: 731,
} as const;

/** A person of the bureau or of a grid cell's management group (DOMAIN.md "Who works here"). */
export const Person = lazySchema(() =>
  z.object({
    id: PersonId,
    name: Text(100).min(1, schemaText(message('schema.nameRequired'))),
    phone: Text(32).optional(),
    role: Role,
    /** The supervision office they belong to; grid people name the office whose zones they serve. */
    office: AreaId.optional(),
    /**
     * Zones and cells served. Bounded so that a person and all their membership items are replaced in
     * one DynamoDB transaction (≤ 100 items: the person, the new memberships, the dropped ones).
     */
    zones: z.array(AreaId).max(PERSON_LIMITS.zones).default([]),
    cells: z.array(AreaId).max(PERSON_LIMITS.cells).default([]),
    /** Joint patrols a week. */
    capacity: z.number().int().min(0).max(100).default(0),
    availability: z
      .strictObject({
        weekdays: z.array(Weekday).max(7).default([1, 2, 3, 4, 5]),
        /** Within DATES_OFF_WINDOW of today (checked by `personProblems`, which knows the date). */
        datesOff: z.array(IsoDate).max(PERSON_LIMITS.datesOff).default([]),
      })
      .default({ weekdays: [1, 2, 3, 4, 5], datesOff: [] }),
    /**
     * Conflict avoidance (回避): cells this person must never patrol; cells of the active grid in the
     * person's own area (`personProblems`).
     */
    conflictCells: z.array(AreaId).max(PERSON_LIMITS.conflictCells).default([]),
    active: z.boolean().default(true),
  }),
);
export type Person = z.infer<typeof Person>;

/** The body of PUT /people/{id}: everything but the id, which the path gives. Unknown fields are refused. */
export const PersonInput = lazySchema(() => Person.omit({ id: true }).strict());
export type PersonInput = z.infer<typeof PersonInput>;

/**
 * What the store keeps beside a person: server-owned fields a client never sends (a body naming one
 * is a 422, see SERVER_OWNED_FIELDS). Optional so that records written before they existed still read.
 */
export const PersonRecord = lazySchema(() =>
  Person.extend({
    version: z.number().int().positive().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  }),
);
export type PersonRecord = z.infer<typeof PersonRecord>;

/**
 * POST /people/imports: a people CSV as text (columns of `gridpatrol people import`). Bounded so that
 * one request writes what fits in the API's time: larger files go through the CLI.
 */
export const PEOPLE_IMPORT_LIMITS = { chars: 200_000, rows: 200 } as const;
export const PeopleImportBody = lazySchema(() =>
  z.strictObject({
    // Cleaned as every free text is (no control or bidi characters reach a stored name); lines kept.
    csv: Text(PEOPLE_IMPORT_LIMITS.chars, { multiline: true }).min(1),
  }),
);
export type PeopleImportBody = z.infer<typeof PeopleImportBody>;

/** GET /people: one of zone or cell at most; role narrows either. */
export const PeopleQuery = lazySchema(() =>
  z.strictObject({
    role: Role.optional(),
    zone: AreaId.optional(),
    cell: AreaId.optional(),
    cursor: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  }),
);
export type PeopleQuery = z.infer<typeof PeopleQuery>;

/**
 * Fields the server owns on every entity: ids (from the path or generated), status and routing
 * (decided by the lifecycle), versions, timestamps and the reporter (the caller). A request body
 * naming one is refused with 422, not silently ignored, so a client that believes it set them
 * learns at once that it did not. Checked on the top-level keys of every JSON body
 * (functions/src/http/parse.ts), before the schema.
 */
export const SERVER_OWNED_FIELDS = [
  'id',
  'status',
  'routing',
  'version',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
  'reporter',
  'reporterId',
  'reportedAt',
] as const;

/**
 * Details naming each server-owned field a body sets; empty when it sets none.
 *
 * @example serverOwnedFieldsIn({ name: 'x', id: 'y' }) // [{ path: 'body.id', message: '...' }]
 */
export function serverOwnedFieldsIn(
  body: unknown,
  fields: readonly string[] = SERVER_OWNED_FIELDS,
): ErrorDetail[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  return fields
    .filter((f) => Object.hasOwn(body, f))
    .map((f) => detail(`body.${f}`, message('detail.serverOwned')));
}

/**
 * What is wrong with a person's office, zones and cells against the city and its active grid: each
 * unknown one, naming the field. Empty when all are known.
 *
 * @example assignmentProblems(person, ['office-east'], topology) // [{ path: 'body.cells[2]', ... }]
 */
export function assignmentProblems(
  person: Pick<Person, 'office' | 'zones' | 'cells'>,
  offices: readonly string[],
  topology: Pick<GridTopology, 'zoneCells' | 'cellZones'>,
  prefix = 'body',
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (person.office !== undefined && !offices.includes(person.office))
    problems.push(detail(`${prefix}.office`, message('people.noOffice', { id: person.office })));
  person.zones.forEach((z, i) => {
    if (!topology.zoneCells.has(z))
      problems.push(detail(`${prefix}.zones[${i}]`, message('people.noZone', { id: z })));
  });
  person.cells.forEach((c, i) => {
    if (!topology.cellZones.has(c))
      problems.push(detail(`${prefix}.cells[${i}]`, message('people.noCell', { id: c })));
  });
  return problems;
}

export { AREA_FIELDS_BY_ROLE, type AreaField } from './area-fields';

/**
 * Details naming each area field set on a person whose role does not have it.
 *
 * @example roleFieldProblems({ role: 'grid_worker', zones: ['Z1'], ... }) // [{ path: 'body.zones', ... }]
 */
export function roleFieldProblems(person: Pick<Person, 'role' | AreaField>, prefix = 'body'): ErrorDetail[] {
  const allowed = AREA_FIELDS_BY_ROLE[person.role];
  const set = (f: AreaField) => (f === 'office' ? person.office !== undefined : person[f].length > 0);
  return (['office', 'zones', 'cells', 'conflictCells'] as const)
    .filter((f) => set(f) && !allowed.includes(f))
    .map((f) =>
      detail(
        `${prefix}.${f}`,
        message('people.fieldNotForRole', {
          role: { ...message(`role.${person.role}`), original: person.role },
          field: f,
        }),
      ),
    );
}

/**
 * Each conflict cell that is not a cell of the active grid in the person's own area (their cells,
 * or the cells touching their zones): a cell they could never be planned in is a typo.
 *
 * @example conflictCellProblems({ cells: ['C1'], zones: [], conflictCells: ['C9'] }, topology)
 *   // [{ path: 'body.conflictCells[0]', message: "cell 'C9' is not in this person's area" }]
 */
export function conflictCellProblems(
  person: Pick<Person, 'zones' | 'cells' | 'conflictCells'>,
  topology: Pick<GridTopology, 'zoneCells' | 'cellZones'>,
  prefix = 'body',
): ErrorDetail[] {
  const area = new Set(person.cells);
  for (const z of person.zones) for (const c of topology.zoneCells.get(z) ?? []) area.add(c);
  const problems: ErrorDetail[] = [];
  person.conflictCells.forEach((c, i) => {
    const path = `${prefix}.conflictCells[${i}]`;
    if (!topology.cellZones.has(c)) problems.push(detail(path, message('people.noCell', { id: c })));
    else if (!area.has(c)) problems.push(detail(path, message('people.cellNotInArea', { id: c })));
  });
  return problems;
}

/**
 * Everything wrong with a person against the city, its active grid and today's date (the city's
 * calendar): fields their role does not have, unknown office, zones and cells, conflict cells
 * outside their area, days off outside DATES_OFF_WINDOW. Empty when the person may be stored.
 *
 * @example personProblems(person, { offices: ['office-east'], topology, today: '2026-12-07' })
 */
export function personProblems(
  person: Person,
  context: {
    offices: readonly string[];
    topology: Pick<GridTopology, 'zoneCells' | 'cellZones'>;
    today: string;
  },
  prefix = 'body',
): ErrorDetail[] {
  const roleProblems = roleFieldProblems(person, prefix);
  if (roleProblems.length > 0) return roleProblems;
  const dates = person.availability.datesOff.flatMap(
    (d, i) =>
      dateWindowProblem(d, context.today, DATES_OFF_WINDOW, `${prefix}.availability.datesOff[${i}]`) ?? [],
  );
  return [
    ...assignmentProblems(person, context.offices, context.topology, prefix),
    ...conflictCellProblems(person, context.topology, prefix),
    ...dates,
  ];
}
