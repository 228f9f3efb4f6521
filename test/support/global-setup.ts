/**
 * Starts one in-memory DynamoDB Local for the integration and e2e tests of a run (each test file
 * then creates its own table), or uses DYNAMODB_ENDPOINT when it is set. Stops it afterwards.
 */
import { startDynamoDbLocal } from '@gridpatrol/local';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DYNAMODB_ENDPOINT;
  const db = external ? undefined : await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', external ?? (db?.endpoint as string));
  return async () => {
    await db?.stop();
  };
}
