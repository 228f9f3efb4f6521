/**
 * The names of the cells and zones the signed-in person may read (GET /cells, GET /zones), read
 * once per console session and kept as id → name only: a city admin reads thousands of cells, and
 * every visit to the queue would otherwise ask for all of them again. Nothing of the map's GeoJSON
 * is reused: it is the area map's own (geometry and all) and is not read on the queue at all.
 */
import type { ApiClient } from '../api';
import { allPages } from './fetch-all';

export type AreaKind = 'cells' | 'zones';
export type AreaNames = ReadonlyMap<string, string>;

/** One person's lists at a time: another sign-in in the same tab must not see the first one's area. */
let held: { personId: string; lists: Map<AreaKind, Promise<AreaNames>> } | undefined;

/**
 * The readable cells' or zones' names by id, asked of the API the first time only. A failed read is
 * forgotten, so the next visit asks again rather than showing ids for the rest of the session.
 *
 * @example (await areaNames(api, 'officer-li', 'cells')).get('C-0012') // '东一村'
 */
export function areaNames(api: ApiClient, personId: string, kind: AreaKind): Promise<AreaNames> {
  if (held?.personId !== personId) held = { personId, lists: new Map() };
  const lists = held.lists;
  const known = lists.get(kind);
  if (known) return known;
  const read = allPages<{ id: string; name?: string }, [string, string]>(api, `/${kind}?limit=500`, {
    keep: (item) => [item.id, item.name ?? item.id],
  }).then((pairs): AreaNames => new Map(pairs));
  read.catch(() => {
    if (lists.get(kind) === read) lists.delete(kind);
  });
  lists.set(kind, read);
  return read;
}
