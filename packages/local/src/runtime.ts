/**
 * Brings up the embedded default for one city: a database (DynamoDB Local, or the one named by
 * DYNAMODB_ENDPOINT), the table from its one definition, and the process environment the handlers
 * read. Used by `npm start`, the CLI and the tests alike.
 */
import path from 'node:path';
import type { CityConfig } from '@gridpatrol/core';
import { ensureTable, localTableName, makeDynamoClient } from '@gridpatrol/store';
import { startDynamoDbLocal } from './dynamodb-local';
import { DATA_DIR } from './paths';

export interface LocalDatabase {
  readonly endpoint: string;
  readonly tableName: string;
  /** True when we started DynamoDB Local and so must stop it. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  /** Keep data on disk under .data/ (npm start) or in memory (tests). */
  readonly persist: boolean;
  readonly tableName?: string;
}

export async function openDatabase(config: CityConfig, opts: DatabaseOptions): Promise<LocalDatabase> {
  const tableName = opts.tableName ?? localTableName(config.name);
  const dynamo = process.env.DYNAMODB_ENDPOINT
    ? undefined
    : await startDynamoDbLocal({ dataDir: opts.persist ? path.join(DATA_DIR, 'dynamodb') : undefined });
  const endpoint = dynamo?.endpoint ?? (process.env.DYNAMODB_ENDPOINT as string);
  try {
    const client = makeDynamoClient(endpoint);
    await ensureTable(client, tableName);
    client.destroy();
  } catch (err) {
    await dynamo?.stop();
    throw err;
  }
  configureHandlerEnv(config, endpoint, tableName);
  return { endpoint, tableName, owned: dynamo !== undefined, stop: async () => dynamo?.stop() };
}

/** What the handlers read from their environment in Lambda, set for this process. */
export function configureHandlerEnv(config: CityConfig, endpoint: string, tableName: string): void {
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME = tableName;
  process.env.GRIDPATROL_CITY = config.name;
  process.env.GRIDPATROL_CITY_CONFIG = JSON.stringify(config);
  process.env.AWS_REGION ??= 'local';
}
