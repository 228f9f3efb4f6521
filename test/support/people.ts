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
