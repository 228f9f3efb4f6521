/**
 * Every entity's keys come from one function here; nothing else builds a key by hand.
 * Key parts are joined with '#', so ids must not contain it (the core schemas forbid it).
 */
export const keys = {
  /** The city's own record: seed marker, active grid version. */
  city: () => ({ pk: 'CITY', sk: 'META' }),
  person: (id: string) => ({ pk: `PERSON#${id}`, sk: 'PERSON' }),
} as const;
