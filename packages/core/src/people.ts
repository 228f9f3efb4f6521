import { z } from 'zod';
import { Role } from './roles';

export const PersonId = z
  .string()
  .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ -, at most 64');

const IsoDate = z.iso.date();
const Weekday = z.number().int().min(1).max(7); // ISO: 1 = Monday ... 7 = Sunday

/** A person of the bureau or of a grid cell's management group (DOMAIN.md "Who works here"). */
export const Person = z.object({
  id: PersonId,
  name: z.string().min(1).max(100),
  phone: z.string().max(32).optional(),
  role: Role,
  /** The supervision office they belong to; grid people name the office whose zones they serve. */
  office: z.string().optional(),
  zones: z.array(z.string()).default([]),
  cells: z.array(z.string()).default([]),
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

/** Roles a supervisor may give to people of their own office. */
const SUPERVISOR_MANAGES: readonly Role[] = ['zone_officer', 'grid_leader', 'grid_worker', 'volunteer'];

/**
 * May `actor` create or replace `target` (and the record it would replace)?
 *
 * @example canManagePerson(supervisor, { ...worker, office: supervisor.office }, undefined) // true
 */
export function canManagePerson(actor: Person, target: Person, existing: Person | undefined): boolean {
  if (actor.role === 'city_admin') return true;
  if (actor.role !== 'supervisor' || !actor.office) return false;
  const inOffice = (p: Person) => p.office === actor.office && SUPERVISOR_MANAGES.includes(p.role);
  return inOffice(target) && (existing === undefined || inOffice(existing));
}
