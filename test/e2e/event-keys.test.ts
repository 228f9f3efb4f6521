/**
 * Events in partitions of their own (docs/decisions/0040): a table of an older version keeps a
 * finding's events in the finding's partition. Until `moveEvents` has run, its history is read from
 * both places, merged by version (an event half-way through its move counted once); the move
 * copies and deletes on condition, marks the table, and a second run finds nothing.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  documentClient,
  eventsMoved,
  keys,
  legacyEventPartition,
  moveEvents,
  partitionItems,
  tableName,
} from '@gridpatrol/store';
import { expect, it } from 'vitest';
import { demoApiWithCli } from '../support/cli';
import { reportBody } from '../support/findings';
import { pointInCell } from '../support/points';

const demo = demoApiWithCli('event-keys');
const { cli } = demo;

const act = async (id: string, body: Record<string, unknown>) => {
  const res = await demo.api.call('POST', `/findings/${id}/actions`, { as: 'admin', body });
  expect(res.status, res.text).toBe(200);
};
const put = (item: Record<string, unknown>) =>
  documentClient().send(new PutCommand({ TableName: tableName(), Item: item }));
const del = (pk: string, sk: string) =>
  documentClient().send(new DeleteCommand({ TableName: tableName(), Key: { pk, sk } }));
const history = async (id: string): Promise<number[]> => {
  const res = await demo.api.call('GET', `/findings/${id}/history`, { as: 'admin' });
  expect(res.status, res.text).toBe(200);
  return res.body.items.map((e: { version: number }) => e.version);
};

it('reads a history from both places until the move, then moves it once and marks the table', async () => {
  const get = async (p: string) => (await demo.api.call('GET', p, { as: 'admin' })).body;
  const cellId: string = (await demo.api.call('GET', '/me', { as: 'worker-liu' })).body.cells[0];
  const point = await pointInCell(get, cellId);
  if (!point) throw new Error(`no point inside ${cellId}`);
  const rep = await demo.api.call('POST', '/findings', {
    as: 'admin',
    body: reportBody(point, '旧版事件小吃店'),
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(rep.status, rep.text).toBe(201);
  const id: string = rep.body.id;
  await act(id, { action: 'verify', expectedVersion: 1 });

  // New events are written under their own partition, and a new table is marked moved.
  const eventsPk = keys.findingEvent(id, 0).pk;
  expect(eventsPk).toBe(`EVENT#FINDING#${id}`);
  const written = await partitionItems({ pk: eventsPk, prefix: 'EVENT#', consistent: true });
  expect(written.map((e) => e.version)).toEqual([1, 2]);

  // The table as an older version left it: both events in the finding's partition, no marker.
  for (const e of written) {
    await put({ ...e, pk: legacyEventPartition(eventsPk) });
    await del(String(e.pk), String(e.sk));
  }
  await del(keys.eventsMoved.pk, keys.eventsMoved.sk);
  expect(await eventsMoved()).toBe(false);
  // This version's next action writes under the new key; the first event is half-way moved.
  await act(id, {
    action: 'order_rectification',
    expectedVersion: 2,
    deadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  });
  await put(written[0] as Record<string, unknown>);
  expect(await history(id)).toEqual([1, 2, 3]);

  // The operator's command, as after a deploy.
  const moved = cli.run(['events', 'move', '--json']);
  expect(moved.status, moved.stderr + moved.stdout).toBe(0);
  expect(JSON.parse(moved.stdout)).toEqual({ found: 2, copied: 1, complete: true });
  expect(await partitionItems({ pk: `FINDING#${id}`, prefix: 'EVENT#', consistent: true })).toEqual([]);
  expect(await eventsMoved()).toBe(true);
  expect(await history(id)).toEqual([1, 2, 3]);
  // Paged now: one event a page, and the cursor leads on.
  const first = await demo.api.call('GET', `/findings/${id}/history?limit=1`, { as: 'admin' });
  expect(first.body.items.map((e: { version: number }) => e.version)).toEqual([1]);
  expect(first.body.cursor).toBeTruthy();

  expect(await moveEvents()).toEqual({ found: 0, copied: 0, complete: true });
}, 120_000);
