import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Person } from '@gridpatrol/core';
import { documentClient, tableName } from './client';
import { keys } from './keys';

const ENTITY = 'person';

export async function getPerson(id: string): Promise<Person | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.person(id) }));
  if (!out.Item) return undefined;
  return Person.parse(out.Item);
}

export async function putPerson(person: Person): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.person(person.id), entity: ENTITY, ...person, updatedAt: new Date().toISOString() },
    }),
  );
}
