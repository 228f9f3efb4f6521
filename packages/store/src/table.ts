/**
 * The one definition of GridPatrol's single table: key schema, secondary indexes and TTL.
 * infra/ turns it into a CDK TableV2; the local runtime and the tests turn it into a
 * CreateTable call against DynamoDB Local. Change it here and both follow.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface KeyPair {
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface IndexDefinition extends KeyPair {
  readonly indexName: string;
  /** What the access patterns on this index are for; kept beside the index so it stays true. */
  readonly purpose: string;
}

export interface TableDefinition extends KeyPair {
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** Epoch seconds; DynamoDB deletes the item some time after (idempotency records, caches). */
  readonly timeToLiveAttribute: string;
  /**
   * The change stream: both images of every change, from which the counter fold computes what a
   * finding's or task's change moves (after − before). docs/decisions/0028.
   */
  readonly streamViewType: 'NEW_AND_OLD_IMAGES';
}

export const TABLE: TableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
      purpose: 'lists by area: people by zone/cell, findings by zone+status, cells by zone',
    },
    {
      indexName: 'gsi2',
      partitionKey: 'gsi2pk',
      sortKey: 'gsi2sk',
      purpose: 'lists by person: what I reported, what I must act on, my tasks',
    },
    {
      indexName: 'gsi3',
      partitionKey: 'gsi3pk',
      sortKey: 'gsi3sk',
      purpose: 'time-driven work: due dates for overdue and revisit jobs, missed patrol tasks',
    },
    {
      indexName: 'gsi4',
      partitionKey: 'gsi4pk',
      sortKey: 'gsi4sk',
      purpose: 'lists by cell: findings whose point lies in a cell, by status+time (grid people, cell=)',
    },
    {
      indexName: 'gsi5',
      partitionKey: 'gsi5pk',
      sortKey: 'gsi5sk',
      purpose: 'city-wide lists: every finding by status+time (a city admin lists without zone= or cell=)',
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  streamViewType: 'NEW_AND_OLD_IMAGES',
};

/**
 * The `entity` of the items whose changes move counters: the counter fold's stream filter (CDK's
 * event source and the local poller) passes records of these only. docs/decisions/0028.
 */
export const COUNTED_ENTITIES = ['finding', 'patrol_task'] as const;

/** The physical table name for a city; CDK lets CloudFormation generate its own name instead. */
/**
 * Every immutable event's partition key starts with this (keys.findingEvent, keys.taskEvent); the
 * stack denies UpdateItem, DeleteItem and BatchWriteItem on it to every function (0040).
 */
export const EVENT_PARTITION_PREFIX = 'EVENT#';

export function localTableName(city: string): string {
  return `gridpatrol-${city}`;
}

export function createTableInput(tableName: string, def: TableDefinition = TABLE): CreateTableCommandInput {
  const attributes = new Set<string>([def.partitionKey, def.sortKey]);
  for (const gsi of def.globalSecondaryIndexes) {
    attributes.add(gsi.partitionKey);
    attributes.add(gsi.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: def.streamViewType },
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      { AttributeName: def.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((gsi) => ({
      IndexName: gsi.indexName,
      KeySchema: [
        { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
        { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
