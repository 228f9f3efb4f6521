/**
 * Filtered lists over several index ranges (packages/store/src/merged-page.ts) on DynamoDB Local:
 * a selective filter must not answer an empty or short page with a cursor while matches lie
 * further on (a city-wide `?overdue=true&limit=5` did), and paging to the end still lists every
 * match once, in order.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { batchPut, createTableInput, documentClient } from '@gridpatrol/store';
import { mergedRangePage } from '@gridpatrol/store/merged-page';
import { beforeAll, expect, it } from 'vitest';

const PK = ['LIST#A', 'LIST#B'];
/** 300 items over two partitions; every 97th is a match, the first at position 90. */
const items = Array.from({ length: 300 }, (_, i) => ({
  pk: `ITEM#${i}`,
  sk: 'ITEM',
  gsi5pk: PK[i % 2],
  gsi5sk: `OPEN#rectifying#${String(i).padStart(4, '0')}`,
  n: i,
  overdue: i >= 90 && (i - 90) % 97 === 0,
}));
const matches = items.filter((i) => i.overdue).map((i) => i.n);

beforeAll(async () => {
  const table = `merged-${randomUUID().slice(0, 8)}`;
  process.env.TABLE_NAME = table;
  await documentClient().send(new CreateTableCommand(createTableInput(table)));
  await batchPut(items);
});

const list = (cursor?: string, limit = 5) =>
  mergedRangePage(
    {
      index: 'gsi5',
      ranges: PK.map((pk) => ({ pk, lo: 'OPEN#', hi: 'OPEN#~' })),
      filter: {
        expression: '#fOverdue = :fOverdue',
        names: { '#fOverdue': 'overdue' },
        values: { ':fOverdue': true },
      },
      cursor,
      limit,
    },
    (item) => item.n as number,
  );

it('reads on past the unmatched items: the first page holds the matches, not an empty page and a cursor', async () => {
  expect(matches).toEqual([90, 187, 284]);
  const page = await list();
  expect(page.items).toEqual(matches);
  expect(page.cursor).toBeUndefined();
});

it('pages a filtered list to the end, each match once and in order', async () => {
  const seen: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list(cursor, 1);
    seen.push(...page.items);
    cursor = page.cursor;
    pages++;
  } while (cursor && pages < 10);
  expect(seen).toEqual(matches);
  expect(pages).toBeLessThanOrEqual(matches.length + 1);
});
