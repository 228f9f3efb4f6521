import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  detail,
  message,
  type Notification,
  type PeoplePartition,
  type Person,
  PersonRecord,
  type Role,
  UnprocessableError,
} from '@gridpatrol/core';
import { batchGet } from './batch';
import { documentClient, tableName } from './client';
import { type Page } from './cursor';
import { keys, primaryKey } from './keys';
import { mergedIndexPage } from './merged-page';
import { notificationPuts } from './notifications-repo';
import { everyPage } from './query';

const ENTITY = 'person';

function toRecord(item: Record<string, unknown>): PersonRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _e, ...rest } = item;
  return PersonRecord.parse(rest);
}

export async function getPerson(
  id: string,
  options: { consistent?: boolean } = {},
): Promise<PersonRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: primaryKey(keys.person(id, '')),
      ...(options.consistent ? { ConsistentRead: true } : {}),
    }),
  );
  return out.Item ? toRecord(out.Item) : undefined;
}

/**
 * People by id, in the order asked, undefined where there is none: one BatchGetItem per 100
 * distinct ids, not a GetItem each (a case history's actors, a plan's pairs, an import's rows).
 *
 * @example const [li, nobody] = await getPeople(['officer-li', 'no-such-id']) // nobody === undefined
 */
export async function getPeople(ids: readonly string[]): Promise<(PersonRecord | undefined)[]> {
  const distinct = [...new Set(ids)];
  const items = await batchGet(distinct.map((id) => primaryKey(keys.person(id, ''))));
  const found = new Map<string, PersonRecord>();
  distinct.forEach((id, i) => {
    const item = items[i];
    if (item) found.set(id, toRecord(item));
  });
  return ids.map((id) => found.get(id));
}

function membershipKeys(p: Person) {
  return [
    ...(p.office ? [keys.personMembership(p.id, p.role, 'office', p.office)] : []),
    ...[...new Set(p.zones)].map((z) => keys.personMembership(p.id, p.role, 'zone', z)),
    ...[...new Set(p.cells)].map((c) => keys.personMembership(p.id, p.role, 'cell', c)),
  ];
}

/**
 * Creates or replaces a person with all their memberships, atomically: memberships no longer
 * present are deleted in the same transaction. `existing` is the record the caller read (undefined
 * for a new person); a concurrent change in between is a 409.
 *
 * @example const saved = await savePerson(person, await getPerson(person.id));
 */
export async function savePerson(
  person: Person,
  existing: PersonRecord | undefined,
  at: Date = new Date(),
  notifications: readonly Notification[] = [],
): Promise<PersonRecord> {
  const now = at.toISOString();
  const record: PersonRecord = {
    ...person,
    version: (existing?.version ?? 0) + 1,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const table = tableName();
  const members = membershipKeys(person);
  const keep = new Set(members.map((k) => k.sk));
  const dropped = existing ? membershipKeys(existing).filter((k) => !keep.has(k.sk)) : [];
  const items = 1 + members.length + dropped.length + notifications.length;
  if (items > 100) {
    throw new UnprocessableError(message('people.tooManyChanges', { id: person.id, items }), [
      detail('body.cells', message('people.tooManyChangesDetail')),
    ]);
  }
  const condition = existing
    ? existing.version === undefined
      ? { ConditionExpression: 'attribute_not_exists(version)' }
      : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': existing.version } }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...keys.person(person.id, person.role), entity: ENTITY, ...record },
              ...condition,
            },
          },
          ...members.map((k) => ({
            Put: { TableName: table, Item: { ...k, entity: 'person_membership', ...record } },
          })),
          ...dropped.map((k) => ({ Delete: { TableName: table, Key: primaryKey(k) } })),
          ...notificationPuts(table, notifications),
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      throw new ConflictError(message('people.changedMeanwhile', { id: person.id }));
    }
    throw err;
  }
  return record;
}

/** Reads the current record, then saves over it (seed, CLI import). */
export async function putPerson(person: Person): Promise<PersonRecord> {
  return savePerson(person, await getPerson(person.id));
}

const partitionPk = (p: PeoplePartition) =>
  p.kind === 'all' ? keys.person('', '').gsi1pk : keys.personMembership('', '', p.kind, p.id).gsi1pk;

/**
 * A page of the people in the union of `partitions`, by role then id, each person once. Every
 * partition is read from the cursor on with the page's limit, then merged: a page costs one Query
 * per partition (bounded by the policy's MAX_PEOPLE_PARTITIONS), whatever the list's length.
 *
 * @example await listPeople([{ kind: 'cell', id: 'C-1' }], { role: 'grid_worker', limit: 50 })
 */
export async function listPeople(
  partitions: readonly PeoplePartition[],
  opts: { role?: Role | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<PersonRecord>> {
  return mergedIndexPage(
    {
      pks: partitions.map(partitionPk),
      prefix: opts.role ? `${opts.role}#` : undefined,
      cursor: opts.cursor,
      limit: opts.limit ?? 50,
    },
    toRecord,
  );
}

/**
 * Every person of some partitions (optionally of one role), page after page: for the few callers
 * that need a whole office (drafting a plan, an assessment), never for an answer that pages itself.
 *
 * @example await allPeople([{ kind: 'office', id: 'office-east' }], 'zone_officer')
 */
export function allPeople(partitions: readonly PeoplePartition[], role?: Role): Promise<PersonRecord[]> {
  return everyPage((cursor) => listPeople(partitions, { role, cursor, limit: 200 }));
}

/**
 * Writes many people (the CLI import), each with its memberships in its own transaction, a few at
 * a time. Call only with rows that all passed validation: the import is all or nothing up front.
 */
export async function importPeople(
  people: readonly Person[],
  onProgress?: (written: number) => void,
  parallel = 8,
): Promise<void> {
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < people.length) {
      const person = people[next++];
      if (!person) break;
      await putPerson(person);
      onProgress?.(++written);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
