/**
 * One DynamoDB document client per process, created at module scope so that a warm Lambda
 * container reuses its connections. `DYNAMODB_ENDPOINT` points it at DynamoDB Local.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function makeDynamoClient(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBClient {
  return new DynamoDBClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          // DynamoDB Local runs with -sharedDb, so any credentials see the same data.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {},
  );
}

export function makeDocumentClient(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(makeDynamoClient(endpoint), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

let shared: DynamoDBDocumentClient | undefined;

/** The process-wide client; made on first use so that tests can set the endpoint first. */
export function documentClient(): DynamoDBDocumentClient {
  shared ??= makeDocumentClient();
  return shared;
}

export function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}
