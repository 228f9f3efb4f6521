/**
 * Who was signed in last on this browser, as `/me` last answered: the app shows them when it opens
 * offline, and the boot script (app/boot.ts) reads their role to ask only for what their first page
 * shows. Kept small: the boot script carries it.
 */

/** The roles whose first page is their patrol tasks (the only ones `GET /me/tasks` answers). */
export const FIELD_ROLES: ReadonlySet<string> = new Set(['zone_officer', 'grid_leader', 'grid_worker']);

export interface RememberedPerson {
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

const KEY = 'gp.me';

export function rememberPerson({ id, name, role }: RememberedPerson): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ id, name, role }));
  } catch {
    // Private mode: nothing remembered.
  }
}

/** The remembered person if it is `personId`, else nothing. */
export function rememberedPerson(personId: string): RememberedPerson | undefined {
  try {
    const me = JSON.parse(localStorage.getItem(KEY) ?? 'null') as RememberedPerson | null;
    return me?.id === personId ? me : undefined;
  } catch {
    return undefined;
  }
}
