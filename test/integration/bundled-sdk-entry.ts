/** What test/integration/bundled-sdk.test.ts bundles as a Lambda function is bundled. */
export { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
export { toWgs84 } from '@gridpatrol/core/geo/coords';
export { makeValid } from '@gridpatrol/core/geo/repair-make-valid';
export { uploadForm } from '@gridpatrol/functions/attachments/policy';
export { S3ObjectStore } from '@gridpatrol/functions/exports/s3-store';
export { s3 } from '@gridpatrol/functions/s3-client';
export { documentClient, ensureTable } from '@gridpatrol/store';
