/**
 * everyPage (packages/store/src/query.ts): every item of a paged list, read through its cursor,
 * in order; with a maximum, no page is asked for once it is reached (a page is never cut).
 */
import { everyPage, type Page } from '@gridpatrol/store';
import { describe, expect, it } from 'vitest';

/** A list of `total` numbers served `size` at a time, recording the cursors it was asked with. */
function pagedList(total: number, size: number) {
  const asked: (string | undefined)[] = [];
  const readPage = async (cursor: string | undefined): Promise<Page<number>> => {
    asked.push(cursor);
    const from = cursor === undefined ? 0 : Number(cursor);
    const items = Array.from({ length: Math.min(size, total - from) }, (_, i) => from + i);
    const next = from + size < total ? String(from + size) : undefined;
    return { items, ...(next ? { cursor: next } : {}) };
  };
  return { asked, readPage };
}

describe('everyPage', () => {
  it('reads page after page until there is no cursor, keeping the order', async () => {
    const list = pagedList(7, 3);
    expect(await everyPage(list.readPage)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(list.asked).toEqual([undefined, '3', '6']);
  });

  it('asks once for an empty list', async () => {
    const list = pagedList(0, 3);
    expect(await everyPage(list.readPage)).toEqual([]);
    expect(list.asked).toEqual([undefined]);
  });

  it('stops asking once it holds max items, keeping the whole last page', async () => {
    const list = pagedList(10, 3);
    expect(await everyPage(list.readPage, 4)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(list.asked).toEqual([undefined, '3']);
  });
});
