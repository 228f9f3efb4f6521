import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Person } from '@gridpatrol/core';
import { documentClient, tableName } from './client';
import { keys } from './keys';

export interface CityRecord {
  name: string;
  seededAt?: string;
  /** The people the seed created, so that `npm start` can list them with tokens. */
  people?: Person[];
}

/** One GetItem: proves the table answers (health) and reads the city's record. */
export async function getCityRecord(): Promise<CityRecord | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.city() }));
  return out.Item as CityRecord | undefined;
}

export async function putCityRecord(record: CityRecord): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: tableName(), Item: { ...keys.city(), entity: 'city', ...record } }),
  );
}
