import type { Person } from '@gridpatrol/core/people';

/** A person of a planning test: active, available every day, capacity 5, unless said otherwise. */
export const person = (p: Partial<Person> & Pick<Person, 'id' | 'role'>): Person => ({
  name: p.id,
  zones: [],
  cells: [],
  capacity: 5,
  availability: { weekdays: [1, 2, 3, 4, 5, 6, 7], datesOff: [] },
  conflictCells: [],
  active: true,
  ...p,
});

/**
 * A person as GET /me answers it, less what the server sets (version, timestamps, id, the unread
 * count): the body a PUT /people/{id} takes back, for tests that change one field of it.
 */
export function personBodyOf(me: Record<string, unknown>): Record<string, unknown> {
  const { version: _v, createdAt: _c, updatedAt: _u, id: _id, unreadNotifications: _n, ...record } = me;
  return record;
}
