/**
 * getPeople (packages/store/src/people-repo.ts) on DynamoDB Local: people by id in the order asked,
 * a hole where there is nobody, a repeated id read once, more ids than one BatchGetItem takes, and
 * a record exactly as getPerson reads it.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, documentClient, getPeople, getPerson, savePerson } from '@gridpatrol/store';
import { beforeAll, expect, it } from 'vitest';
import { person } from '../support/people';

const ids = Array.from({ length: 130 }, (_, i) => `worker-${String(i).padStart(3, '0')}`);
let batchGets = 0;

beforeAll(async () => {
  const table = `people-${randomUUID().slice(0, 8)}`;
  process.env.TABLE_NAME = table;
  await documentClient().send(new CreateTableCommand(createTableInput(table)));
  for (const id of ids)
    await savePerson(person({ id, role: 'grid_worker', name: `网格员 ${id}` }), undefined);
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (/^BatchGet(Item)?Command$/.test(context.commandName ?? '')) batchGets += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countBatchGets' },
  );
}, 120_000);

it('answers in the order asked, with a hole for nobody and a repeated id read once', async () => {
  const asked = ['worker-005', 'nobody', 'worker-001', 'worker-005'];
  const people = await getPeople(asked);
  expect(people.map((p) => p?.id)).toEqual(['worker-005', undefined, 'worker-001', 'worker-005']);
  expect(people[0]).toEqual(await getPerson('worker-005'));
  expect(people[0]?.name).toBe('网格员 worker-005');
});

it('reads more people than one BatchGetItem takes, 100 ids a request', async () => {
  batchGets = 0;
  const people = await getPeople([...ids].reverse());
  expect(people.map((p) => p?.id)).toEqual([...ids].reverse());
  expect(batchGets).toBe(2);
});

it('reads nothing for no ids', async () => {
  batchGets = 0;
  expect(await getPeople([])).toEqual([]);
  expect(batchGets).toBe(0);
});
