import type { Person } from '@gridpatrol/core/people';
import type { TestApi } from './local-api';

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

/**
 * PUT /people/{id} as the dev token of `as`, the body as JSON: how the people tests create and
 * replace a person.
 *
 * @example await putPerson(api, 'worker-own', 'sup-east', { name: 'own', role: 'grid_worker' })
 */
export const putPerson = (api: TestApi, id: string, as: string, body: Record<string, unknown>) =>
  api.call('PUT', `/people/${id}`, { as, body });

/** A grid worker of `office` as a PUT /people body, with any other fields in `more`. */
export const gridWorker = (name: string, office: string, more: Record<string, unknown> = {}) => ({
  name,
  role: 'grid_worker',
  office,
  ...more,
});
