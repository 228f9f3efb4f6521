/** What the outbox uses of SQS, named so that esbuild keeps only it (../../s3-sdk.ts says why). */
export { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
