import { z } from 'zod';
import type { ErrorDetail } from './errors';
import type { GridTopology } from './policy';
import { Role } from './roles';

export const PersonId = z
  .string()
  .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ -, at most 64');

const AreaId = z.string().regex(/^[^#\s]{1,64}$/, 'an id of up to 64 characters, no # or spaces');
const IsoDate = z.iso.date();
const Weekday = z.number().int().min(1).max(7); // ISO: 1 = Monday ... 7 = Sunday

/** A person of the bureau or of a grid cell's management group (DOMAIN.md "Who works here"). */
export const Person = z.object({
  id: PersonId,
  name: z.string().min(1).max(100),
  phone: z.string().max(32).optional(),
  role: Role,
  /** The supervision office they belong to; grid people name the office whose zones they serve. */
  office: AreaId.optional(),
  /**
   * Zones and cells served. Bounded so that a person and all their membership items are replaced in
   * one DynamoDB transaction (≤ 100 items: the person, the new memberships, the dropped ones).
   */
  zones: z.array(AreaId).max(16).default([]),
  cells: z.array(AreaId).max(30).default([]),
  /** Joint patrols a week. */
  capacity: z.number().int().min(0).max(100).default(0),
  availability: z
    .object({
      weekdays: z.array(Weekday).default([1, 2, 3, 4, 5]),
      datesOff: z.array(IsoDate).default([]),
    })
    .default({ weekdays: [1, 2, 3, 4, 5], datesOff: [] }),
  /** Conflict avoidance (回避): cells this person must never patrol. */
  conflictCells: z.array(z.string()).default([]),
  active: z.boolean().default(true),
});
export type Person = z.infer<typeof Person>;

/** The body of PUT /people/{id}: everything but the id, which the path gives. Unknown fields are refused. */
export const PersonInput = Person.omit({ id: true }).strict();
export type PersonInput = z.infer<typeof PersonInput>;

/**
 * What the store keeps beside a person: server-owned fields a client never sends (a body naming one
 * is a 422, see SERVER_OWNED_FIELDS). Optional so that records written before they existed still read.
 */
export const PersonRecord = Person.extend({
  version: z.number().int().positive().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type PersonRecord = z.infer<typeof PersonRecord>;

/** GET /people: one of zone or cell at most; role narrows either. */
export const PeopleQuery = z.object({
  role: Role.optional(),
  zone: z
    .string()
    .regex(/^[^#\s]{1,64}$/)
    .optional(),
  cell: z
    .string()
    .regex(/^[^#\s]{1,64}$/)
    .optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
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
): { path: string; message: string }[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  return fields
    .filter((f) => Object.hasOwn(body, f))
    .map((f) => ({ path: `body.${f}`, message: 'set by the server; remove it from the request' }));
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
    problems.push({ path: `${prefix}.office`, message: `no office '${person.office}' in this city` });
  person.zones.forEach((z, i) => {
    if (!topology.zoneCells.has(z))
      problems.push({ path: `${prefix}.zones[${i}]`, message: `no zone '${z}' in the active grid` });
  });
  person.cells.forEach((c, i) => {
    if (!topology.cellZones.has(c))
      problems.push({ path: `${prefix}.cells[${i}]`, message: `no cell '${c}' in the active grid` });
  });
  return problems;
}
