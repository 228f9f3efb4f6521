import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type StreamSpecification,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { keys } from './keys';
import { createTableInput, TABLE } from './table';

/** Creates the table from the one definition unless it exists. Returns true when it created it. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  return (await ensureTableUpToDate(client, tableName)).created;
}

/** What `ensureTableUpToDate` did: created the table, or added indexes or the stream to an older one. */
export interface TableUpgrade {
  readonly created: boolean;
  /** Indexes added to a table made by an older version (their items need a backfill). */
  readonly addedIndexes: readonly string[];
  /**
   * True when a table made before the counter fold got its stream now. Changes before this moment
   * are not in the stream; they need none: the code of that time counted them in its transactions.
   */
  readonly streamEnabled: boolean;
}

/**
 * Creates the table from the one definition, or adds to an existing one the indexes it lacks, and
 * says which: a caller that sees `gsi5` added runs `backfillFindingIndex`.
 */
export async function ensureTableUpToDate(client: DynamoDBClient, tableName: string): Promise<TableUpgrade> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const addedIndexes = await addMissingIndexes(
      client,
      tableName,
      new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName)),
    );
    const streamEnabled = await enableStream(client, tableName, Table?.StreamSpecification);
    return { created: false, addedIndexes, streamEnabled };
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err; // created meanwhile by another process
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
    }),
  );
  // A new table holds no event stored in its finding's or task's partition (0040): nothing to move.
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        pk: { S: keys.eventsMoved.pk },
        sk: { S: keys.eventsMoved.sk },
        movedAt: { S: new Date().toISOString() },
      },
    }),
  );
  return { created: true, addedIndexes: [], streamEnabled: false };
}

/**
 * Gives a table made before the counter fold its stream. DynamoDB Local (like DynamoDB) takes this
 * on an existing table at once: UpdateTable answers with the new stream's ARN, the table stays
 * ACTIVE, and the stream holds the changes from then on, none from before. A stream of another
 * view type cannot be changed in place; that table was not made by GridPatrol, so it is an error.
 */
async function enableStream(
  client: DynamoDBClient,
  tableName: string,
  current: StreamSpecification | undefined,
): Promise<boolean> {
  if (current?.StreamEnabled) {
    if (current.StreamViewType === TABLE.streamViewType) return false;
    throw new Error(
      `Table ${tableName} has a ${current.StreamViewType} stream; the counter fold needs ${TABLE.streamViewType}.`,
    );
  }
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamViewType },
    }),
  );
  return true;
}

/**
 * A table made by an older version of the definition (a developer's `.data/`) gets the indexes added
 * since, one UpdateTable each as DynamoDB requires, and returns their names. Items written before
 * carry no keys for them, so they stay out of the new lists until rewritten or backfilled
 * (`backfillFindingIndex` for gsi5).
 */
async function addMissingIndexes(
  client: DynamoDBClient,
  tableName: string,
  present: Set<string | undefined>,
): Promise<string[]> {
  const added: string[] = [];
  const wanted = createTableInput(tableName);
  for (const gsi of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(gsi.IndexName)) continue;
    const names = new Set(gsi.KeySchema?.map((k) => k.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions?.filter((a) => names.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: gsi }],
      }),
    );
    await waitForIndexes(client, tableName);
    if (gsi.IndexName) added.push(gsi.IndexName);
  }
  return added;
}

/** DynamoDB builds one new index at a time: wait until none is still being created. */
async function waitForIndexes(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let waited = 0; waited < 120_000; waited += 500) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if ((Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Table ${tableName}: a new index is still being built after 2 minutes.`);
}
